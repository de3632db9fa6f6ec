using System.Globalization;
using Flywheel.Contracts.Metrics;
using Flywheel.Operator.Api.V1Alpha1;
using Flywheel.Operator.Builders.External;
using k8s.Models;

namespace Flywheel.Operator.Builders;

/// <summary>The HorizontalPodAutoscaler (autoscaling/v2) or KEDA ScaledObject that owns the inference pod count.</summary>
public static class AutoscalerBuilder
{
    /// <summary>
    /// The per-pod request rate as a Pods metric; a metrics adapter derives it from
    /// <c>rate(flywheel_inference_requests_total[1m])</c>, since the server exports the counter, not a rate.
    /// </summary>
    public const string RequestsPerSecondMetric = "flywheel_inference_requests_per_second";

    public static V2HorizontalPodAutoscaler BuildHpa(ModelDeployment deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        var autoscaling = deployment.Spec.Autoscaling ?? new AutoscalingSpec();
        var target = autoscaling.Target ?? 70.0;
        var name = ChildNames.Inference(deployment.Metadata.Name);
        var metric = (autoscaling.Metric ?? ScalingMetric.Cpu) switch
        {
            ScalingMetric.Cpu => new V2MetricSpec
            {
                Type = "Resource",
                Resource = new V2ResourceMetricSource
                {
                    Name = "cpu",
                    Target = new V2MetricTarget { Type = "Utilization", AverageUtilization = (int)Math.Round(target) },
                },
            },
            var pods => new V2MetricSpec
            {
                Type = "Pods",
                Pods = new V2PodsMetricSource
                {
                    Metric = new V2MetricIdentifier { Name = pods == ScalingMetric.RequestsPerSecond ? RequestsPerSecondMetric : MetricNames.InferenceInflightRequests.Name },
                    Target = new V2MetricTarget { Type = "AverageValue", AverageValue = Quantity(target) },
                },
            },
        };
        return new V2HorizontalPodAutoscaler
        {
            ApiVersion = "autoscaling/v2",
            Kind = "HorizontalPodAutoscaler",
            Metadata = ChildMetadata.For(deployment, name, InferenceDeploymentBuilder.Labels(deployment)),
            Spec = new V2HorizontalPodAutoscalerSpec
            {
                ScaleTargetRef = new V2CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = name },
                MinReplicas = Math.Max(1, deployment.Spec.MinReplicas ?? 1),
                MaxReplicas = deployment.Spec.MaxReplicas ?? 10,
                Metrics = [metric],
            },
        };
    }

    public static ScaledObject BuildScaledObject(ModelDeployment deployment, string? prometheusUrl)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        var autoscaling = deployment.Spec.Autoscaling ?? new AutoscalingSpec();
        var target = Number(autoscaling.Target ?? 70.0);
        var name = ChildNames.Inference(deployment.Metadata.Name);
        var selector = PromQl.ModelSelector(deployment.Metadata.NamespaceProperty, deployment.Spec.ModelRef.Name);
        var trigger = (autoscaling.Metric ?? ScalingMetric.Cpu) switch
        {
            ScalingMetric.Cpu => new ScaledObjectTrigger
            {
                Type = "cpu",
                MetricType = "Utilization",
                Metadata = new Dictionary<string, string> { ["value"] = target },
            },
            var pods => new ScaledObjectTrigger
            {
                Type = "prometheus",
                Metadata = new Dictionary<string, string>
                {
                    ["serverAddress"] = prometheusUrl ?? string.Empty,
                    ["query"] = pods == ScalingMetric.RequestsPerSecond
                        ? $"sum(rate({MetricNames.InferenceRequests.Name}{selector}[1m]))"
                        : $"sum({MetricNames.InferenceInflightRequests.Name}{selector})",
                    ["threshold"] = target,
                },
            },
        };
        return new ScaledObject
        {
            Metadata = ChildMetadata.For(deployment, name, InferenceDeploymentBuilder.Labels(deployment)),
            Spec = new ScaledObjectSpec
            {
                ScaleTargetRef = new ScaleTargetReference { Name = name },
                MinReplicaCount = deployment.Spec.MinReplicas ?? 1,
                MaxReplicaCount = deployment.Spec.MaxReplicas ?? 10,
                Triggers = [trigger],
            },
        };
    }

    private static ResourceQuantity Quantity(double value) => new(Number(value));

    private static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
