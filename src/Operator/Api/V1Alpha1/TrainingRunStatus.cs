using System.Text.Json;
using System.Text.Json.Serialization;
using Flywheel.Operator.Api.Schema;

namespace Flywheel.Operator.Api.V1Alpha1;

/// <summary>The observed state of a training run.</summary>
public sealed class TrainingRunStatus : IConditionedStatus
{
    /// <summary>Pending, Running, Succeeded or Failed.</summary>
    public RunPhase? Phase { get; set; }

    /// <summary>When the training Job started.</summary>
    public DateTimeOffset? StartTime { get; set; }

    /// <summary>When the run succeeded or failed.</summary>
    public DateTimeOffset? CompletionTime { get; set; }

    /// <summary>The Job that runs the trainer.</summary>
    public string? JobName { get; set; }

    /// <summary>Every trial: the parameters tried and the metrics they scored.</summary>
    [Items(0, 1000)]
    public List<Trial>? Trials { get; set; }

    /// <summary>The winning trial.</summary>
    public Trial? Best { get; set; }

    /// <summary>The best trial's promotion metric as name=value, for example auc=0.912.</summary>
    public string? Metric { get; set; }

    /// <summary>The model version the run produced (MAJOR.MINOR).</summary>
    [Pattern(ApiPatterns.Version)]
    public string? ProducedVersion { get; set; }

    /// <summary>Where the produced model.onnx and manifest.json are stored.</summary>
    public string? ArtifactUri { get; set; }

    /// <summary>Digest of the data the run read.</summary>
    public string? DataDigest { get; set; }

    /// <summary>What happened, and for a failed run what to fix.</summary>
    public string? Message { get; set; }

    /// <summary>Ready (succeeded), Progressing (running), Degraded (failed).</summary>
    [ListMap("type")]
    public List<Condition>? Conditions { get; set; }

    /// <summary>The metadata.generation this status was computed from.</summary>
    [Minimum(0)]
    public long? ObservedGeneration { get; set; }

    /// <summary>True once the run has finished, either way.</summary>
    [JsonIgnore]
    public bool IsFinished => Phase is RunPhase.Succeeded or RunPhase.Failed;
}

/// <summary>One hyperparameter combination tried.</summary>
public sealed class Trial
{
    /// <summary>The algorithm of the trial.</summary>
    public Algorithm? Algorithm { get; set; }

    /// <summary>Hyperparameter name → value.</summary>
    [PreserveUnknownFields]
    public Dictionary<string, JsonElement>? Params { get; set; }

    /// <summary>Validation metric name → value.</summary>
    public Dictionary<string, double>? Metrics { get; set; }

    /// <summary>How long the trial took.</summary>
    [Minimum(0)]
    public double? DurationSeconds { get; set; }
}

/// <summary>Phase of a training run.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RunPhase>))]
public enum RunPhase
{
    [JsonStringEnumMemberName("Pending")]
    Pending,

    [JsonStringEnumMemberName("Running")]
    Running,

    [JsonStringEnumMemberName("Succeeded")]
    Succeeded,

    [JsonStringEnumMemberName("Failed")]
    Failed,
}
