using System.Text.Json.Serialization;
using Flywheel.Operator.Api.Schema;
using k8s;
using k8s.Models;

namespace Flywheel.Operator.Api.V1Alpha1;

/// <summary>
/// A RetrainPolicy says when to retrain a Model: on a schedule, on input or prediction drift, on
/// unknown categories, on falling live accuracy, on negative feedback, on new data or on a custom
/// PromQL query. Each firing creates a TrainingRun, within the cooldown and concurrency limits.
/// </summary>
[KubernetesEntity(Group = FlywheelApi.Group, ApiVersion = FlywheelApi.Version, Kind = KubeKind, PluralName = "retrainpolicies")]
[ShortNames("rtp")]
[Categories(FlywheelApi.Category)]
[PrinterColumn(0, "Model", "string", ".spec.modelRef.name", Description = "The model retrained.")]
[PrinterColumn(1, "Last Trigger", "string", ".status.lastRun.reason", Description = "The trigger behind the last run.")]
[PrinterColumn(2, "Last Run", "date", ".status.lastRun.startTime", Description = "When the last run started.")]
[PrinterColumn(3, "Next Run", "string", ".status.nextScheduleTime", Description = "The next scheduled run.")]
[PrinterColumn(4, "Age", "date", ".metadata.creationTimestamp")]
public sealed class RetrainPolicy : IKubernetesObject<V1ObjectMeta>, ISpec<RetrainPolicySpec>, IStatus<RetrainPolicyStatus>
{
    public const string KubeKind = "RetrainPolicy";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = FlywheelApi.GroupVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KubeKind;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    /// <summary>Which model to retrain, on which triggers, within which limits.</summary>
    [JsonPropertyName("spec")]
    public RetrainPolicySpec Spec { get; set; } = new();

    /// <summary>The last evaluation of every trigger and the last run.</summary>
    [JsonPropertyName("status")]
    public RetrainPolicyStatus Status { get; set; } = new();
}

/// <summary>The desired state of a RetrainPolicy.</summary>
[XValidation(
    "has(self.triggers.schedule) || has(self.triggers.inputDrift) || has(self.triggers.predictionDrift) || has(self.triggers.unknownCategories) || has(self.triggers.accuracy) || has(self.triggers.feedback) || has(self.triggers.dataChange) || (has(self.triggers.custom) && size(self.triggers.custom) > 0)",
    "set at least one trigger",
    FieldPath = ".triggers")]
[XValidation(
    "has(self.deploymentRef) || !(has(self.triggers.inputDrift) || has(self.triggers.predictionDrift) || has(self.triggers.unknownCategories) || has(self.triggers.accuracy) || has(self.triggers.feedback))",
    "metric triggers (inputDrift, predictionDrift, unknownCategories, accuracy, feedback) watch a deployment: set deploymentRef",
    FieldPath = ".deploymentRef")]
public sealed class RetrainPolicySpec
{
    /// <summary>The Model to retrain.</summary>
    [Required]
    public ObjectReference ModelRef { get; set; } = new();

    /// <summary>The ModelDeployment whose served traffic the metric triggers watch.</summary>
    public ObjectReference? DeploymentRef { get; set; }

    /// <summary>What starts a retrain; any trigger that fires starts one.</summary>
    [Required]
    public RetrainTriggers Triggers { get; set; } = new();

    /// <summary>The Prometheus that metric triggers query.</summary>
    public PrometheusSpec? Prometheus { get; set; }

    /// <summary>Least time between two triggered runs, for example 6h; schedule runs ignore it.</summary>
    [Default("1h")]
    [Pattern(ApiPatterns.Duration)]
    public string? Cooldown { get; set; }

    /// <summary>Most runs of this model at the same time; a trigger that fires while at the limit waits.</summary>
    [Default(1)]
    [Minimum(1)]
    [Maximum(10)]
    public int? MaxConcurrentRuns { get; set; }

    /// <summary>Stop evaluating triggers (running TrainingRuns continue).</summary>
    [Default(false)]
    public bool? Suspend { get; set; }
}

/// <summary>Where Prometheus is.</summary>
public sealed class PrometheusSpec
{
    /// <summary>Base URL of the Prometheus HTTP API, for example http://prometheus.monitoring:9090.</summary>
    [Required]
    [Length(1, 2048)]
    [XValidation("self.matches('^https?://.+')", "url must start with http:// or https://")]
    public string Url { get; set; } = string.Empty;
}

/// <summary>The observed state of a RetrainPolicy.</summary>
public sealed class RetrainPolicyStatus : IConditionedStatus
{
    /// <summary>When the triggers were last evaluated.</summary>
    public DateTimeOffset? LastEvaluationTime { get; set; }

    /// <summary>Every trigger's last evaluation.</summary>
    [ListMap("name")]
    public List<TriggerStatus>? Triggers { get; set; }

    /// <summary>The last TrainingRun this policy started.</summary>
    public LastRunStatus? LastRun { get; set; }

    /// <summary>When the schedule trigger fires next.</summary>
    public DateTimeOffset? NextScheduleTime { get; set; }

    /// <summary>Ready (evaluating), Degraded (a cron or PromQL expression is invalid, Prometheus unreachable).</summary>
    [ListMap("type")]
    public List<Condition>? Conditions { get; set; }

    /// <summary>The metadata.generation this status was computed from.</summary>
    [Minimum(0)]
    public long? ObservedGeneration { get; set; }

    /// <summary>Records a trigger's evaluation, keeping the time it last fired.</summary>
    public void SetTrigger(TriggerStatus trigger, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        ArgumentNullException.ThrowIfNull(clock);
        Triggers ??= [];
        var index = Triggers.FindIndex(t => string.Equals(t.Name, trigger.Name, StringComparison.Ordinal));
        var lastFired = trigger.Firing == true ? clock.GetUtcNow() : index >= 0 ? Triggers[index].LastFiredTime : null;
        trigger.LastFiredTime = lastFired;
        if (index >= 0)
        {
            Triggers[index] = trigger;
        }
        else
        {
            Triggers.Add(trigger);
        }
    }
}

/// <summary>One trigger's last evaluation.</summary>
public sealed class TriggerStatus
{
    /// <summary>The trigger: schedule, inputDrift, predictionDrift, unknownCategories, accuracy, feedback, dataChange or a custom trigger's name.</summary>
    [Required]
    public string Name { get; set; } = string.Empty;

    /// <summary>The value measured (absent when there were too few samples).</summary>
    public double? Value { get; set; }

    /// <summary>The threshold it is compared with.</summary>
    public double? Threshold { get; set; }

    /// <summary>Whether the trigger condition held at the last evaluation.</summary>
    public bool? Firing { get; set; }

    /// <summary>When the trigger last fired.</summary>
    public DateTimeOffset? LastFiredTime { get; set; }

    /// <summary>Why there is no value, or the query error.</summary>
    public string? Message { get; set; }

    /// <summary>The data source's digest (ETag, modification time and size) at the last look, for the dataChange trigger.</summary>
    public string? Digest { get; set; }
}

/// <summary>The last run a policy started.</summary>
public sealed class LastRunStatus
{
    /// <summary>The TrainingRun's name.</summary>
    public string? Name { get; set; }

    /// <summary>The trigger that started it.</summary>
    public string? Reason { get; set; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset? StartTime { get; set; }
}
