namespace Flywheel.Contracts.Training;

/// <summary>
/// The trainer's environment: what the operator's training Job sets and the trainer reads (docs/trainer-contract.md),
/// named once for both sides.
/// </summary>
public static class TrainerEnvironment
{
    public const string Spec = "FLYWHEEL_TRAINING_SPEC";
    public const string Store = "FLYWHEEL_MODEL_STORE";
    public const string TerminationLog = "FLYWHEEL_TERMINATION_LOG";
    public const string DataRoot = "FLYWHEEL_DATA_ROOT";
    public const string FeedbackLogs = "FLYWHEEL_FEEDBACK_LOGS";

    /// <summary>An S3-compatible endpoint for s3:// sources, addressed path style.</summary>
    public const string S3Endpoint = "FLYWHEEL_S3_ENDPOINT";
    public const string Region = "AWS_REGION";
    public const string DefaultRegion = "AWS_DEFAULT_REGION";
    public const string AccessKeyId = "AWS_ACCESS_KEY_ID";
    public const string SecretAccessKey = "AWS_SECRET_ACCESS_KEY";
    public const string SessionToken = "AWS_SESSION_TOKEN";

    /// <summary>A bearer token for https:// sources.</summary>
    public const string DataToken = "FLYWHEEL_DATA_TOKEN";

    /// <summary>
    /// Keys of a Model's <c>data.credentialsSecretRef</c> and the variable each becomes: the S3 keys sign s3:// reads,
    /// <c>token</c> authenticates https:// reads.
    /// </summary>
    public static readonly IReadOnlyList<(string Key, string Variable)> CredentialKeys =
    [
        ("accessKeyId", AccessKeyId),
        ("secretAccessKey", SecretAccessKey),
        ("sessionToken", SessionToken),
        ("region", Region),
        ("token", DataToken),
    ];
}
