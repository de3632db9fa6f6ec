using System.Text.Json.Serialization;
using Flywheel.Operator.Api.Schema;

namespace Flywheel.Operator.Api.V1Alpha1;

/// <summary>The observed state of a Model: its versions and which one is promoted.</summary>
public sealed class ModelStatus : IConditionedStatus
{
    /// <summary>The newest version trained (MAJOR.MINOR).</summary>
    [Pattern(ApiPatterns.Version)]
    public string? LatestVersion { get; set; }

    /// <summary>The version deployments that do not pin one serve.</summary>
    [Pattern(ApiPatterns.Version)]
    public string? PromotedVersion { get; set; }

    /// <summary>The promotion metric of the promoted version as name=value, for example auc=0.912.</summary>
    public string? Metric { get; set; }

    /// <summary>Every kept version, oldest first, with its metrics, artifact and lineage.</summary>
    [ListMap("version")]
    public List<ModelVersionStatus>? Versions { get; set; }

    /// <summary>Ready (a version is promoted), Progressing (training), Degraded (the spec or a run needs attention).</summary>
    [ListMap("type")]
    public List<Condition>? Conditions { get; set; }

    /// <summary>The metadata.generation this status was computed from.</summary>
    [Minimum(0)]
    public long? ObservedGeneration { get; set; }

    /// <summary>The record of a version, or null when it is not kept.</summary>
    public ModelVersionStatus? FindVersion(string version) =>
        Versions?.FirstOrDefault(v => string.Equals(v.Version, version, StringComparison.Ordinal));

    /// <summary>Adds or replaces the record of a version, keeping versions ordered oldest first.</summary>
    public void SetVersion(ModelVersionStatus record)
    {
        ArgumentNullException.ThrowIfNull(record);
        Versions ??= [];
        Versions.RemoveAll(v => string.Equals(v.Version, record.Version, StringComparison.Ordinal));
        Versions.Add(record);
        Versions.Sort((a, b) => Order(a).CompareTo(Order(b)));
    }

    private static Flywheel.Contracts.Versioning.ModelVersion Order(ModelVersionStatus record) =>
        Flywheel.Contracts.Versioning.ModelVersion.TryParse(record.Version, out var version) ? version : default;
}

/// <summary>One trained version of a model.</summary>
public sealed class ModelVersionStatus
{
    /// <summary>The version, MAJOR.MINOR: a retrain on the same feature schema bumps MINOR, a schema change bumps MAJOR.</summary>
    [Required]
    [Pattern(ApiPatterns.Version)]
    public string Version { get; set; } = string.Empty;

    /// <summary>The TrainingRun that produced this version.</summary>
    public string? TrainingRun { get; set; }

    /// <summary>Validation metrics of the version (metric name → value).</summary>
    public Dictionary<string, double>? Metrics { get; set; }

    /// <summary>Where the version's model.onnx and manifest.json are stored.</summary>
    public string? ArtifactUri { get; set; }

    /// <summary>sha256 of model.onnx, lowercase hex; inference servers refuse a file that does not match.</summary>
    [Pattern("^[a-f0-9]{64}$")]
    public string? Sha256 { get; set; }

    /// <summary>Hash of the input feature schema; versions with equal hashes accept the same requests.</summary>
    public string? SchemaHash { get; set; }

    /// <summary>Digest of the training data the version was trained on.</summary>
    public string? DataDigest { get; set; }

    /// <summary>When the version was trained.</summary>
    public DateTimeOffset? CreatedAt { get; set; }

    /// <summary>When the version was last promoted.</summary>
    public DateTimeOffset? PromotedAt { get; set; }

    /// <summary>Candidate (passed training, not promoted), Promoted, Retired (replaced) or Rejected (failed the gate).</summary>
    public VersionPhase? Phase { get; set; }

    /// <summary>Why the version is in its phase, for example which gate it failed.</summary>
    public string? Reason { get; set; }
}

/// <summary>Lifecycle of a model version.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<VersionPhase>))]
public enum VersionPhase
{
    [JsonStringEnumMemberName("Candidate")]
    Candidate,

    [JsonStringEnumMemberName("Promoted")]
    Promoted,

    [JsonStringEnumMemberName("Retired")]
    Retired,

    [JsonStringEnumMemberName("Rejected")]
    Rejected,
}
