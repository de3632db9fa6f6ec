using System.Text.Json.Serialization;
using Flywheel.Operator.Api.Schema;
using k8s;
using k8s.Models;

namespace Flywheel.Operator.Api.V1Alpha1;

/// <summary>
/// A ModelDeployment serves a Model over the Open Inference Protocol from autoscaled ONNX Runtime
/// pods. It follows the promoted version unless spec.version pins one; pinning an older version is
/// the rollback. (Named so that it does not shadow apps/v1 Deployment in kubectl.)
/// </summary>
[KubernetesEntity(Group = FlywheelApi.Group, ApiVersion = FlywheelApi.Version, Kind = KubeKind, PluralName = "modeldeployments")]
[ShortNames("mdep")]
[Categories(FlywheelApi.Category)]
[ScaleSubresource(".spec.replicas", ".status.replicas", ".status.selector")]
[PrinterColumn(0, "Model", "string", ".spec.modelRef.name", Description = "The model served.")]
[PrinterColumn(1, "Version", "string", ".status.servingVersion", Description = "The version the pods serve.")]
[PrinterColumn(2, "Ready", "integer", ".status.readyReplicas", Description = "Pods ready to serve.")]
[PrinterColumn(3, "Replicas", "integer", ".status.replicas", Description = "Pods running.")]
[PrinterColumn(4, "Age", "date", ".metadata.creationTimestamp")]
public sealed class ModelDeployment : IKubernetesObject<V1ObjectMeta>, ISpec<ModelDeploymentSpec>, IStatus<ModelDeploymentStatus>
{
    public const string KubeKind = "ModelDeployment";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = FlywheelApi.GroupVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KubeKind;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    /// <summary>Which model and version to serve, with what capacity and rollout rules.</summary>
    [JsonPropertyName("spec")]
    public ModelDeploymentSpec Spec { get; set; } = new();

    /// <summary>The version being served, replicas, the endpoint and the rollout history.</summary>
    [JsonPropertyName("status")]
    public ModelDeploymentStatus Status { get; set; } = new();
}

/// <summary>The desired state of a ModelDeployment.</summary>
[XValidation("!has(self.minReplicas) || !has(self.maxReplicas) || self.minReplicas <= self.maxReplicas", "minReplicas must not be greater than maxReplicas", FieldPath = ".minReplicas")]
[XValidation("!has(self.replicas) || !has(self.autoscaling) || self.autoscaling.engine == 'none' || !has(self.maxReplicas) || self.replicas <= self.maxReplicas", "replicas must not be greater than maxReplicas", FieldPath = ".replicas")]
public sealed class ModelDeploymentSpec
{
    /// <summary>The Model to serve.</summary>
    [Required]
    public ObjectReference ModelRef { get; set; } = new();

    /// <summary>
    /// The version to serve (MAJOR.MINOR). Empty follows the Model's promoted version; set, it pins
    /// that version. Pinning an older version is the rollback.
    /// </summary>
    [Pattern("^$|" + ApiPatterns.Version)]
    public string? Version { get; set; }

    /// <summary>Pods to run when autoscaling is off, and the starting count when it is on.</summary>
    [Default(1)]
    [Minimum(0)]
    [Maximum(1000)]
    public int? Replicas { get; set; }

    /// <summary>Fewest pods the autoscaler keeps.</summary>
    [Default(1)]
    [Minimum(0)]
    [Maximum(1000)]
    public int? MinReplicas { get; set; }

    /// <summary>Most pods the autoscaler runs (at most 1000).</summary>
    [Default(10)]
    [Minimum(1)]
    [Maximum(1000)]
    public int? MaxReplicas { get; set; }

    /// <summary>How the number of pods follows load.</summary>
    public AutoscalingSpec? Autoscaling { get; set; }

    /// <summary>CPU, memory and GPUs per inference pod.</summary>
    public ComputeResources? Resources { get; set; }

    /// <summary>ONNX Runtime execution provider: cuda, cpu, or auto (cuda when the pod has a GPU, else cpu).</summary>
    [Default(V1Alpha1.ExecutionProvider.Auto)]
    public ExecutionProvider? ExecutionProvider { get; set; }

    /// <summary>Dynamic batching of concurrent requests into one ONNX Runtime call.</summary>
    public BatchingSpec? Batching { get; set; }

    /// <summary>How a new version replaces the old one, and when it is rolled back.</summary>
    public RolloutSpec? Rollout { get; set; }

    /// <summary>Drift measurement on the served inputs and predictions.</summary>
    public MonitoringSpec? Monitoring { get; set; }

    /// <summary>The feedback endpoint for thumbs up/down and delayed true labels.</summary>
    public FeedbackSpec? Feedback { get; set; }
}

/// <summary>Autoscaling of the inference pods.</summary>
public sealed class AutoscalingSpec
{
    /// <summary>hpa (a HorizontalPodAutoscaler), keda (a KEDA ScaledObject, needs KEDA installed) or none.</summary>
    [Default(AutoscalingEngine.Hpa)]
    public AutoscalingEngine? Engine { get; set; }

    /// <summary>What to scale on: cpu (utilization percent), requestsPerSecond or inflight (concurrent requests) per pod.</summary>
    [Default(ScalingMetric.Cpu)]
    public ScalingMetric? Metric { get; set; }

    /// <summary>Target value of the metric per pod (percent for cpu).</summary>
    [Default(70.0)]
    [Minimum(0, Exclusive = true)]
    public double? Target { get; set; }
}

/// <summary>Dynamic batching.</summary>
public sealed class BatchingSpec
{
    /// <summary>Most rows in one batch; 1 turns batching off.</summary>
    [Default(32)]
    [Minimum(1)]
    [Maximum(4096)]
    public int? MaxBatchSize { get; set; }

    /// <summary>Longest a request waits for a batch to fill.</summary>
    [Default(5)]
    [Minimum(0)]
    [Maximum(1000)]
    public int? MaxDelayMilliseconds { get; set; }
}

/// <summary>Rollout of a new version.</summary>
public sealed class RolloutSpec
{
    /// <summary>Extra pods during a rollout: a count or a percentage such as 25%.</summary>
    public IntOrString? MaxSurge { get; set; }

    /// <summary>Pods that may be unavailable during a rollout: a count or a percentage such as 25%.</summary>
    public IntOrString? MaxUnavailable { get; set; }

    /// <summary>Health checks on a new version after rollout; failing them rolls back when autoRollback is on.</summary>
    public AnalysisSpec? Analysis { get; set; }

    /// <summary>Roll back to the previous version when the analysis fails.</summary>
    [Default(true)]
    public bool? AutoRollback { get; set; }
}

/// <summary>Post-rollout analysis of a new version.</summary>
public sealed class AnalysisSpec
{
    /// <summary>How long the new version is watched, for example 10m.</summary>
    [Default("10m")]
    [Pattern(ApiPatterns.Duration)]
    public string? Window { get; set; }

    /// <summary>Highest tolerated fraction of failed requests, in [0,1].</summary>
    [Minimum(0)]
    [Maximum(1)]
    public double? MaxErrorRate { get; set; }

    /// <summary>Highest tolerated 99th-percentile latency.</summary>
    [Minimum(0, Exclusive = true)]
    public double? MaxP99LatencyMilliseconds { get; set; }

    /// <summary>Lowest tolerated live accuracy from feedback labels, in [0,1].</summary>
    [Minimum(0)]
    [Maximum(1)]
    public double? MinAccuracy { get; set; }
}

/// <summary>Drift monitoring.</summary>
public sealed class MonitoringSpec
{
    /// <summary>The window drift is computed over, for example 1h.</summary>
    [Default("1h")]
    [Pattern(ApiPatterns.Duration)]
    public string? Window { get; set; }

    /// <summary>psi (population stability index), jensenShannon or wasserstein.</summary>
    [Default(V1Alpha1.DriftMethod.Psi)]
    public DriftMethod? DriftMethod { get; set; }

    /// <summary>Fraction of requests recorded for distributions, in [0,1].</summary>
    [Default(1.0)]
    [Minimum(0)]
    [Maximum(1)]
    public double? SampleRate { get; set; }
}

/// <summary>Feedback collection.</summary>
public sealed class FeedbackSpec
{
    /// <summary>Serve /v2/models/{name}/feedback and keep predictions long enough to join feedback to them.</summary>
    [Default(false)]
    public bool? Enabled { get; set; }
}

/// <summary>Autoscaling engine.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AutoscalingEngine>))]
public enum AutoscalingEngine
{
    [JsonStringEnumMemberName("hpa")]
    Hpa,

    [JsonStringEnumMemberName("keda")]
    Keda,

    [JsonStringEnumMemberName("none")]
    None,
}

/// <summary>Autoscaling metric.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ScalingMetric>))]
public enum ScalingMetric
{
    [JsonStringEnumMemberName("cpu")]
    Cpu,

    [JsonStringEnumMemberName("requestsPerSecond")]
    RequestsPerSecond,

    [JsonStringEnumMemberName("inflight")]
    Inflight,
}

/// <summary>ONNX Runtime execution provider.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ExecutionProvider>))]
public enum ExecutionProvider
{
    [JsonStringEnumMemberName("auto")]
    Auto,

    [JsonStringEnumMemberName("cuda")]
    Cuda,

    [JsonStringEnumMemberName("cpu")]
    Cpu,
}

/// <summary>Distribution-distance measure for drift.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DriftMethod>))]
public enum DriftMethod
{
    [JsonStringEnumMemberName("psi")]
    Psi,

    [JsonStringEnumMemberName("jensenShannon")]
    JensenShannon,

    [JsonStringEnumMemberName("wasserstein")]
    Wasserstein,
}
