using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Flywheel.Operator.Builders.External;

/// <summary>KEDA's ScaledObject (keda.sh/v1alpha1), the fields the operator sets.</summary>
[KubernetesEntity(Group = Group, ApiVersion = "v1alpha1", Kind = "ScaledObject", PluralName = "scaledobjects")]
public sealed class ScaledObject : IKubernetesObject<V1ObjectMeta>, ISpec<ScaledObjectSpec>
{
    public const string Group = "keda.sh";

    /// <summary>The CRD whose presence says KEDA is installed.</summary>
    public const string CrdName = "scaledobjects.keda.sh";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = "keda.sh/v1alpha1";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "ScaledObject";

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public ScaledObjectSpec Spec { get; set; } = new();
}

public sealed class ScaledObjectSpec
{
    [JsonPropertyName("scaleTargetRef")]
    public ScaleTargetReference ScaleTargetRef { get; set; } = new();

    [JsonPropertyName("minReplicaCount")]
    public int? MinReplicaCount { get; set; }

    [JsonPropertyName("maxReplicaCount")]
    public int? MaxReplicaCount { get; set; }

    [JsonPropertyName("triggers")]
    public List<ScaledObjectTrigger> Triggers { get; set; } = [];
}

public sealed class ScaleTargetReference
{
    [JsonPropertyName("name")]
    public string Name { get; set; } = string.Empty;
}

public sealed class ScaledObjectTrigger
{
    [JsonPropertyName("type")]
    public string Type { get; set; } = string.Empty;

    [JsonPropertyName("metricType")]
    public string? MetricType { get; set; }

    [JsonPropertyName("metadata")]
    public Dictionary<string, string> Metadata { get; set; } = [];
}
