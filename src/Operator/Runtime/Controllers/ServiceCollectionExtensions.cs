using Flywheel.Operator.Runtime.Api;
using Flywheel.Operator.Runtime.Events;
using Flywheel.Operator.Runtime.Informers;
using Flywheel.Operator.Runtime.Reconciliation;
using Flywheel.Operator.Runtime.Resilience;
using Flywheel.Operator.Runtime.Status;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Prometheus;

namespace Flywheel.Operator.Runtime.Controllers;

public static class ServiceCollectionExtensions
{
    /// <summary>
    /// The runtime's shared services (API wrapper, status writer, event recorder, controller manager).
    /// Needs an <see cref="IKubernetes"/> registration; adds the system clock,
    /// the default Prometheus registry and default <see cref="ControllerOptions"/> unless already registered.
    /// </summary>
    public static IServiceCollection AddControllerRuntime(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(Metrics.DefaultRegistry);
        services.TryAddSingleton(new ControllerOptions());
        services.TryAddSingleton<OperatorMetrics>();
        services.TryAddSingleton<IResourceApis>(sp => new KubernetesResourceApis(sp.GetRequiredService<IKubernetes>()));
        services.TryAddSingleton<ControllerManager>();
        services.TryAddSingleton(new ResilienceOptions());
        services.TryAddSingleton(sp => new KubeApi(
            sp.GetRequiredService<IResourceApis>(),
            KubernetesResilience.CreatePipeline(sp.GetRequiredService<ResilienceOptions>(), sp.GetRequiredService<TimeProvider>())));
        services.TryAddSingleton<StatusWriter>();
        services.TryAddSingleton<EventRecorder>();
        return services;
    }

    /// <summary>Registers <typeparamref name="TReconciler"/> (scoped, one per reconcile) as the controller of <typeparamref name="TEntity"/>.</summary>
    public static ControllerBuilder<TEntity> AddController<TEntity, TReconciler>(this IServiceCollection services)
        where TEntity : class, IKubernetesObject<V1ObjectMeta>
        where TReconciler : class, IReconciler<TEntity>
    {
        services.AddControllerRuntime();
        if (services.Any(d => d.ServiceType == typeof(ControllerRegistration<TEntity>)))
        {
            throw new InvalidOperationException($"A controller for {typeof(TEntity).Name} is already registered; each kind has exactly one reconciler.");
        }

        var registration = new ControllerRegistration<TEntity>(typeof(TReconciler));
        services.AddSingleton(registration);
        services.TryAddScoped<TReconciler>();
        services.AddSingleton<Controller<TEntity, TReconciler>>(sp => ActivatorUtilities.CreateInstance<Controller<TEntity, TReconciler>>(sp, registration));
        services.AddSingleton<IController>(sp => sp.GetRequiredService<Controller<TEntity, TReconciler>>());
        return new ControllerBuilder<TEntity>(services, registration);
    }
}
