using Flywheel.Operator.Runtime.Informers;
using k8s;
using k8s.Models;

namespace Flywheel.Operator.Runtime.Controllers;

/// <summary>What one <c>AddController</c> call registered: the kind, its reconciler and the kinds it owns.</summary>
public sealed class ControllerRegistration<TEntity> where TEntity : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly List<(Type Type, OwnedSourceFactory Factory)> _owned = [];

    internal ControllerRegistration(Type reconciler)
    {
        Reconciler = reconciler;
        Type = ResourceType.Of<TEntity>();
    }

    public ResourceType Type { get; }

    public Type Reconciler { get; }

    /// <summary>The <c>controller</c> label of the metrics: the kind in lower case.</summary>
    public string Name => Type.Kind.ToLowerInvariant();

    public IReadOnlyList<Type> OwnedTypes => [.. _owned.Select(o => o.Type)];

    internal IReadOnlyList<OwnedSourceFactory> OwnedSources => [.. _owned.Select(o => o.Factory)];

    internal void AddOwned<TChild>() where TChild : class, IKubernetesObject<V1ObjectMeta>
    {
        if (_owned.Any(o => o.Type == typeof(TChild)))
        {
            return;
        }

        // Fail at registration, not at start, when the kind has no API binding.
        ResourceType.Of<TChild>();
        _owned.Add((typeof(TChild), (apis, namespaces, time, logs, options) => new OwnedSource<TChild>(apis, namespaces, time, logs, options)));
    }
}

/// <summary>Fluent registration: <c>services.AddController&lt;Model, ModelController&gt;().Owns&lt;TrainingRun&gt;()</c>.</summary>
public sealed class ControllerBuilder<TEntity> where TEntity : class, IKubernetesObject<V1ObjectMeta>
{
    internal ControllerBuilder(IServiceCollection services, ControllerRegistration<TEntity> registration)
    {
        Services = services;
        Registration = registration;
    }

    public IServiceCollection Services { get; }

    public ControllerRegistration<TEntity> Registration { get; }

    /// <summary>
    /// Watches <typeparamref name="TChild"/> and enqueues its controlling owner. Chains are followed through other
    /// owned kinds: with <c>Owns&lt;V1Job&gt;().Owns&lt;V1Pod&gt;()</c> a Pod change enqueues the owner of its Job.
    /// </summary>
    public ControllerBuilder<TEntity> Owns<TChild>() where TChild : class, IKubernetesObject<V1ObjectMeta>
    {
        Registration.AddOwned<TChild>();
        return this;
    }
}
