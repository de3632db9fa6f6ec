namespace Flywheel.Trainer.Data;

/// <summary>
/// How remote data sources are reached: the s3:// endpoint and region, the S3 credentials that sign requests
/// (AWS Signature Version 4), and a bearer token for https:// sources. A Job gets these as environment
/// variables from the Model's <c>data.credentialsSecretRef</c>; none set means anonymous reads.
/// </summary>
public sealed record DataAccess
{
    public const string S3EndpointVariable = "FLYWHEEL_S3_ENDPOINT";
    public const string RegionVariable = "AWS_REGION";
    public const string DefaultRegionVariable = "AWS_DEFAULT_REGION";
    public const string AccessKeyIdVariable = "AWS_ACCESS_KEY_ID";
    public const string SecretAccessKeyVariable = "AWS_SECRET_ACCESS_KEY";
    public const string SessionTokenVariable = "AWS_SESSION_TOKEN";
    public const string TokenVariable = "FLYWHEEL_DATA_TOKEN";

    /// <summary>Anonymous access to AWS S3 in us-east-1.</summary>
    public static DataAccess Anonymous { get; } = new();

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
            S3Endpoint = Read(S3EndpointVariable),
            Region = Read(RegionVariable) ?? Read(DefaultRegionVariable) ?? "us-east-1",
            AccessKeyId = Read(AccessKeyIdVariable),
            SecretAccessKey = Read(SecretAccessKeyVariable),
            SessionToken = Read(SessionTokenVariable),
            BearerToken = Read(TokenVariable),
        };
    }

    /// <summary>
    /// A clear error for half-set credentials, which would otherwise surface as an opaque 403; null when usable.
    /// </summary>
    public string? Problem() => string.IsNullOrEmpty(AccessKeyId) != string.IsNullOrEmpty(SecretAccessKey)
        ? $"only one of {AccessKeyIdVariable} and {SecretAccessKeyVariable} is set; the credentials Secret needs both accessKeyId and secretAccessKey"
        : null;
}
