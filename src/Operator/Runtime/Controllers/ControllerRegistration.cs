using Flywheel.Operator.Runtime.Informers;
using k8s;
using k8s.Models;

namespace Flywheel.Operator.Runtime.Controllers;

/// <summary>What one <c>AddController</c> call registered: the kind, its reconciler, the kinds it owns and the kinds it watches.</summary>
public sealed class ControllerRegistration<TEntity> where TEntity : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly List<(Type Type, OwnedSourceFactory Factory)> _owned = [];
    private readonly List<(Type Type, WatchedSourceFactory<TEntity> Factory)> _watched = [];

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

    public IReadOnlyList<Type> WatchedTypes => [.. _watched.Select(w => w.Type)];

    internal IReadOnlyList<WatchedSourceFactory<TEntity>> WatchedSources => [.. _watched.Select(w => w.Factory)];

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

    internal void AddWatched<TOther>(Func<TOther, ControllerCache<TEntity>, IEnumerable<ObjectKey>> map, Func<ResourceEvent<TOther>, bool>? predicate)
        where TOther : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(map);
        if (_watched.Any(w => w.Type == typeof(TOther)))
        {
            throw new InvalidOperationException($"The {Type.Kind} controller already watches {typeof(TOther).Name}; return every key from one map function.");
        }

        ResourceType.Of<TOther>();
        _watched.Add((typeof(TOther), (apis, namespaces, time, logs, options, cache) =>
            new WatchedSource<TEntity, TOther>(apis, namespaces, time, logs, options, cache, map, predicate)));
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

    /// <summary>
    /// Watches <typeparamref name="TOther"/>, a kind this controller does not own, and enqueues the keys that
    /// <paramref name="map"/> returns for a changed object (its last state, for a deletion). The map gets this
    /// controller's cache of <typeparamref name="TEntity"/> to find the objects that refer to the changed one; it
    /// runs on the informer's loop, so it must be quick and must not call the API server. When
    /// <paramref name="predicate"/> is given, only the changes it accepts are mapped (the <see cref="ResourceEvent{T}.Old"/>
    /// copy lets it compare). Periodic resyncs of <typeparamref name="TOther"/> are never mapped.
    /// </summary>
    public ControllerBuilder<TEntity> Watches<TOther>(
        Func<TOther, ControllerCache<TEntity>, IEnumerable<ObjectKey>> map, Func<ResourceEvent<TOther>, bool>? predicate = null)
        where TOther : class, IKubernetesObject<V1ObjectMeta>
    {
        Registration.AddWatched(map, predicate);
        return this;
    }

    /// <summary>As <see cref="Watches{TOther}(Func{TOther, ControllerCache{TEntity}, IEnumerable{ObjectKey}}, Func{ResourceEvent{TOther}, bool}?)"/>, for a map that needs no cache.</summary>
    public ControllerBuilder<TEntity> Watches<TOther>(Func<TOther, IEnumerable<ObjectKey>> map, Func<ResourceEvent<TOther>, bool>? predicate = null)
        where TOther : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(map);
        return Watches<TOther>((other, _) => map(other), predicate);
    }
}
