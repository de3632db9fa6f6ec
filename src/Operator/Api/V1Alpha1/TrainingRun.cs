using System.Text.Json.Serialization;
using Flywheel.Operator.Api.Schema;
using k8s;
using k8s.Models;

namespace Flywheel.Operator.Api.V1Alpha1;

/// <summary>
/// A TrainingRun is one execution of training and its experiment-tracking record: why it ran, the
/// exact inputs (a frozen copy of the Model's spec), every trial, the best result and the version
/// it produced.
/// </summary>
[KubernetesEntity(Group = FlywheelApi.Group, ApiVersion = FlywheelApi.Version, Kind = KubeKind, PluralName = "trainingruns")]
[ShortNames("trun")]
[Categories(FlywheelApi.Category)]
[PrinterColumn(0, "Model", "string", ".spec.modelRef.name", Description = "The model trained.")]
[PrinterColumn(1, "Reason", "string", ".spec.reason", Description = "Why the run started.")]
[PrinterColumn(2, "Phase", "string", ".status.phase")]
[PrinterColumn(3, "Version", "string", ".status.producedVersion", Description = "The version the run produced.")]
[PrinterColumn(4, "Metric", "string", ".status.metric", Description = "The best trial's promotion metric.")]
[PrinterColumn(5, "Age", "date", ".metadata.creationTimestamp")]
public sealed class TrainingRun : IKubernetesObject<V1ObjectMeta>, ISpec<TrainingRunSpec>, IStatus<TrainingRunStatus>
{
    public const string KubeKind = "TrainingRun";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = FlywheelApi.GroupVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KubeKind;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    /// <summary>Which model to train, why, and the inputs frozen when the run was created.</summary>
    [JsonPropertyName("spec")]
    public TrainingRunSpec Spec { get; set; } = new();

    /// <summary>Progress, trials and the result of the run.</summary>
    [JsonPropertyName("status")]
    public TrainingRunStatus Status { get; set; } = new();
}

/// <summary>The inputs of a training run. Immutable once created, so that the record stays reproducible.</summary>
[XValidation("self == oldSelf", "a TrainingRun's spec cannot change; create a new TrainingRun instead")]
[XValidation("self.reason == 'initial' || self.reason == 'manual' || has(self.trigger)", "runs started by a trigger record it in trigger", FieldPath = ".trigger")]
public sealed class TrainingRunSpec
{
    /// <summary>The Model this run trains.</summary>
    [Required]
    public ObjectReference ModelRef { get; set; } = new();

    /// <summary>
    /// Why the run started: initial (first version), schedule, inputDrift, predictionDrift,
    /// unknownCategories, accuracy, feedback, dataChange, custom (a PromQL trigger) or manual.
    /// </summary>
    [Required]
    public RunReason Reason { get; set; }

    /// <summary>The trigger that fired, with the value it saw; absent for initial and manual runs.</summary>
    public TriggerRecord? Trigger { get; set; }

    /// <summary>The Model's metadata.generation the inputs below were copied from.</summary>
    [Minimum(0)]
    public long? ModelGeneration { get; set; }

    /// <summary>The task, copied from the Model.</summary>
    public ModelTask? Task { get; set; }

    /// <summary>The data spec, copied from the Model when the run was created.</summary>
    public DataSpec? Data { get; set; }

    /// <summary>The preprocessing spec, copied from the Model when the run was created.</summary>
    public PreprocessingSpec? Preprocessing { get; set; }

    /// <summary>The training spec, copied from the Model when the run was created.</summary>
    public TrainingSpec? Training { get; set; }
}

/// <summary>The trigger that started a run.</summary>
public sealed class TriggerRecord
{
    /// <summary>The RetrainPolicy whose trigger fired.</summary>
    public string? Policy { get; set; }

    /// <summary>The trigger's name: schedule, inputDrift, predictionDrift, unknownCategories, accuracy, feedback, dataChange or a custom trigger's name.</summary>
    [Required]
    [Length(1, 256)]
    public string Name { get; set; } = string.Empty;

    /// <summary>The value the trigger saw (drift score, rate, accuracy).</summary>
    public double? Value { get; set; }

    /// <summary>The threshold the value crossed.</summary>
    public double? Threshold { get; set; }
}

/// <summary>Why a training run started.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RunReason>))]
public enum RunReason
{
    [JsonStringEnumMemberName("initial")]
    Initial,

    [JsonStringEnumMemberName("schedule")]
    Schedule,

    [JsonStringEnumMemberName("inputDrift")]
    InputDrift,

    [JsonStringEnumMemberName("predictionDrift")]
    PredictionDrift,

    [JsonStringEnumMemberName("unknownCategories")]
    UnknownCategories,

    [JsonStringEnumMemberName("accuracy")]
    Accuracy,

    [JsonStringEnumMemberName("feedback")]
    Feedback,

    [JsonStringEnumMemberName("dataChange")]
    DataChange,

    [JsonStringEnumMemberName("custom")]
    Custom,

    [JsonStringEnumMemberName("manual")]
    Manual,
}
