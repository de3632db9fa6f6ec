using Flywheel.Operator.Runtime.Informers;
using k8s;
using k8s.Models;

namespace Flywheel.Operator.Runtime.Controllers;

/// <summary>The informers of one watched (not owned) kind, erased to what the controller needs: run, report keys to enqueue.</summary>
internal interface IWatchedSource
{
    ResourceType Type { get; }

    bool IsSynced { get; }

    Task RunAsync(Action<ObjectKey> enqueue, CancellationToken cancellationToken);
}

/// <summary>Creates the watched-kind source for one controller run; <paramref name="cache"/> is that run's cache of the controller's kind.</summary>
internal delegate IWatchedSource WatchedSourceFactory<TEntity>(
    IResourceApis apis, IReadOnlyList<string?> namespaces, TimeProvider time, ILoggerFactory logs, InformerOptions options, ControllerCache<TEntity> cache)
    where TEntity : class, IKubernetesObject<V1ObjectMeta>;

/// <summary>
/// Watches <typeparamref name="TOther"/> and enqueues the keys its map returns for each change the predicate lets
/// through: controller-runtime's <c>Watches</c> with <c>EnqueueRequestsFromMapFunc</c>.
/// </summary>
internal sealed class WatchedSource<TEntity, TOther> : IWatchedSource
    where TEntity : class, IKubernetesObject<V1ObjectMeta>
    where TOther : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly NamespacedInformers<TOther> _informers;
    private readonly Func<TOther, ControllerCache<TEntity>, IEnumerable<ObjectKey>> _map;
    private readonly Func<ResourceEvent<TOther>, bool>? _predicate;
    private readonly ControllerCache<TEntity> _cache;

    public WatchedSource(
        IResourceApis apis,
        IReadOnlyList<string?> namespaces,
        TimeProvider time,
        ILoggerFactory logs,
        InformerOptions options,
        ControllerCache<TEntity> cache,
        Func<TOther, ControllerCache<TEntity>, IEnumerable<ObjectKey>> map,
        Func<ResourceEvent<TOther>, bool>? predicate)
    {
        _informers = new NamespacedInformers<TOther>(apis, namespaces, time, logs, options);
        _map = map;
        _predicate = predicate;
        _cache = cache;
    }

    public ResourceType Type => _informers.Type;

    public bool IsSynced => _informers.IsSynced;

    public Task RunAsync(Action<ObjectKey> enqueue, CancellationToken cancellationToken) =>
        _informers.RunAsync(
            e =>
            {
                if (_predicate is not null && !_predicate(e))
                {
                    return;
                }

                foreach (var key in _map(e.Object, _cache))
                {
                    enqueue(key);
                }
            },
            cancellationToken);
}
