using Flywheel.Operator.Api.V1Alpha1;
using k8s.Models;

namespace Flywheel.Operator.Builders;

/// <summary>The ClusterIP Service in front of the inference pods.</summary>
public static class InferenceServiceBuilder
{
    public const int Port = 80;

    public static V1Service Build(ModelDeployment deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        return new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = ChildMetadata.For(deployment, ChildNames.Inference(deployment.Metadata.Name), InferenceDeploymentBuilder.Labels(deployment)),
            Spec = new V1ServiceSpec
            {
                Type = "ClusterIP",
                Selector = InferenceDeploymentBuilder.SelectorLabels(deployment),
                Ports = [new V1ServicePort { Name = "http", Port = Port, TargetPort = (IntOrString)"http", Protocol = "TCP" }],
            },
        };
    }

    /// <summary>The in-cluster URL of the model's Open Inference Protocol endpoint.</summary>
    public static string Url(ModelDeployment deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        return $"http://{ChildNames.Inference(deployment.Metadata.Name)}.{deployment.Metadata.NamespaceProperty}.svc/v2/models/{deployment.Spec.ModelRef.Name}";
    }
}
