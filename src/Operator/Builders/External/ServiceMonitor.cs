using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Flywheel.Operator.Builders.External;

/// <summary>The Prometheus Operator's ServiceMonitor (monitoring.coreos.com/v1), the fields the operator sets.</summary>
[KubernetesEntity(Group = Group, ApiVersion = "v1", Kind = "ServiceMonitor", PluralName = "servicemonitors")]
public sealed class ServiceMonitor : IKubernetesObject<V1ObjectMeta>, ISpec<ServiceMonitorSpec>
{
    public const string Group = "monitoring.coreos.com";

    /// <summary>The CRD whose presence says the Prometheus Operator is installed.</summary>
    public const string CrdName = "servicemonitors.monitoring.coreos.com";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = "monitoring.coreos.com/v1";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "ServiceMonitor";

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public ServiceMonitorSpec Spec { get; set; } = new();
}

public sealed class ServiceMonitorSpec
{
    [JsonPropertyName("selector")]
    public V1LabelSelector Selector { get; set; } = new();

    [JsonPropertyName("endpoints")]
    public List<ServiceMonitorEndpoint> Endpoints { get; set; } = [];
}

public sealed class ServiceMonitorEndpoint
{
    [JsonPropertyName("port")]
    public string Port { get; set; } = string.Empty;

    [JsonPropertyName("path")]
    public string? Path { get; set; }

    [JsonPropertyName("interval")]
    public string? Interval { get; set; }
}
