using Flywheel.Operator.Api.V1Alpha1;
using Flywheel.Operator.Builders;
using Flywheel.Operator.Controllers.ModelDeployments;
using Flywheel.Operator.Controllers.Models;
using Flywheel.Operator.Controllers.RetrainPolicies;
using Flywheel.Operator.Controllers.TrainingRuns;
using Flywheel.Operator.Hosting;
using Flywheel.Operator.Runtime.Controllers;
using Flywheel.Operator.Store;
using Flywheel.Operator.Triggers;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Flywheel.Operator.Controllers;

/// <summary>Registers the four reconcilers, the kinds each owns or watches, and the services they share.</summary>
public static class FlywheelControllers
{
    /// <summary>The operator's settings as the builders need them, from the host's bound options.</summary>
    public static OperatorSettings Settings(OperatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new OperatorSettings
        {
            TrainerImage = options.Images.Trainer,
            InferenceImage = options.Images.Inference,
            ModelStoreClaim = options.ModelStoreClaim,
            PrometheusUrl = string.IsNullOrEmpty(options.PrometheusUrl) ? null : options.PrometheusUrl,
        };
    }

    public static IServiceCollection AddFlywheelControllers(this IServiceCollection services, OperatorSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        services.TryAddSingleton(settings);
        services.AddHttpClient();
        services.TryAddSingleton<ClusterReader>();
        services.TryAddSingleton<FlywheelMetrics>();
        services.TryAddSingleton<ChildApplier>();
        services.TryAddSingleton<ModelStore>();
        services.TryAddSingleton<PrometheusClients>();
        services.TryAddSingleton<MonitoringSummaryClient>();
        services.TryAddSingleton<DataChangeProbe>();
        services.TryAddSingleton<TriggerReadingsSource>();
        services.TryAddSingleton<RolloutMetricsSource>();

        services.AddController<Model, ModelReconciler>().Owns<TrainingRun>();
        services.AddController<TrainingRun, TrainingRunReconciler>().Owns<V1Job>().Owns<V1Pod>();
        services.AddController<ModelDeployment, ModelDeploymentReconciler>()
            .Owns<V1Deployment>()
            .Watches<Model>(ModelWatch.DeploymentsOf, ModelWatch.ChangesWhatIsServed);
        services.AddController<RetrainPolicy, RetrainPolicyReconciler>();
        return services;
    }
}
