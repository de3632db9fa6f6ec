using Flywheel.Contracts.Training;

namespace Flywheel.Trainer.Data;

/// <summary>
/// How remote data sources are reached: the s3:// endpoint and region, the S3 credentials that sign requests
/// (AWS Signature Version 4), and a bearer token for https:// sources. A Job gets these as environment
/// variables from the Model's <c>data.credentialsSecretRef</c>; none set means anonymous reads.
/// </summary>
public sealed record DataAccess
{
    /// <summary>An S3-compatible endpoint addressed path style (<c>&lt;endpoint&gt;/&lt;bucket&gt;/&lt;key&gt;</c>); null for AWS's virtual-hosted URLs.</summary>
    public string? S3Endpoint { get; init; }

    public string Region { get; init; } = "us-east-1";

    public string? AccessKeyId { get; init; }

    public string? SecretAccessKey { get; init; }

    /// <summary>The session token of temporary credentials, sent as <c>x-amz-security-token</c>.</summary>
    public string? SessionToken { get; init; }

    /// <summary>Sent as <c>Authorization: Bearer</c> on https:// sources.</summary>
    public string? BearerToken { get; init; }

    /// <summary>Whether s3:// requests are signed.</summary>
    public bool SignsS3 => !string.IsNullOrEmpty(AccessKeyId) && !string.IsNullOrEmpty(SecretAccessKey);

    public static DataAccess FromEnvironment()
    {
        static string? Read(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value.Trim() : null;
        return new DataAccess
        {
            S3Endpoint = Read(TrainerEnvironment.S3Endpoint),
            Region = Read(TrainerEnvironment.Region) ?? Read(TrainerEnvironment.DefaultRegion) ?? "us-east-1",
            AccessKeyId = Read(TrainerEnvironment.AccessKeyId),
            SecretAccessKey = Read(TrainerEnvironment.SecretAccessKey),
            SessionToken = Read(TrainerEnvironment.SessionToken),
            BearerToken = Read(TrainerEnvironment.DataToken),
        };
    }

    /// <summary>
    /// A clear error for half-set credentials, which would otherwise surface as an opaque 403; null when usable.
    /// </summary>
    public string? Problem() => string.IsNullOrEmpty(AccessKeyId) != string.IsNullOrEmpty(SecretAccessKey)
        ? $"only one of {TrainerEnvironment.AccessKeyId} and {TrainerEnvironment.SecretAccessKey} is set; the credentials Secret needs both accessKeyId and secretAccessKey"
        : null;
}
