using Flywheel.Operator.Api.V1Alpha1;
using Flywheel.Operator.Builders.External;

namespace Flywheel.Operator.Builders;

/// <summary>The Prometheus Operator ServiceMonitor that scrapes the inference pods' /metrics.</summary>
public static class ServiceMonitorBuilder
{
    public static ServiceMonitor Build(ModelDeployment deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        return new ServiceMonitor
        {
            Metadata = ChildMetadata.For(deployment, ChildNames.Inference(deployment.Metadata.Name), InferenceDeploymentBuilder.Labels(deployment)),
            Spec = new ServiceMonitorSpec
            {
                Selector = new k8s.Models.V1LabelSelector { MatchLabels = InferenceDeploymentBuilder.SelectorLabels(deployment) },
                Endpoints = [new ServiceMonitorEndpoint { Port = "http", Path = "/metrics", Interval = "15s" }],
            },
        };
    }
}
