using Flywheel.Operator.Runtime.Informers;
using k8s;
using k8s.Models;

namespace Flywheel.Operator.Runtime.Controllers;

/// <summary>
/// One informer per watched namespace for a kind a controller owns or watches: run them, look objects up, and
/// hear of changes. Resyncs are not passed on: a resync of another kind carries no news, and the controller's
/// own kind has its own resync.
/// </summary>
internal sealed class NamespacedInformers<T> where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly IReadOnlyList<ResourceInformer<T>> _informers;

    public NamespacedInformers(IResourceApis apis, IReadOnlyList<string?> namespaces, TimeProvider time, ILoggerFactory logs, InformerOptions options)
    {
        var api = apis.For<T>();
        var logger = logs.CreateLogger<ResourceInformer<T>>();
        _informers = [.. namespaces.Select(ns => new ResourceInformer<T>(api, ns, time, logger, options))];
        Type = api.Type;
    }

    public ResourceType Type { get; }

    public bool IsSynced => _informers.All(i => i.Synced.IsCompletedSuccessfully);

    public T? Find(ObjectKey key) => _informers.Select(i => i.Cache.Get(key)).FirstOrDefault(o => o is not null);

    public Task RunAsync(Action<ResourceEvent<T>> changed, CancellationToken cancellationToken)
    {
        foreach (var informer in _informers)
        {
            informer.Changed += e =>
            {
                if (e.Type != ResourceEventType.Resync)
                {
                    changed(e);
                }
            };
        }

        return Task.WhenAll(_informers.Select(i => i.RunAsync(cancellationToken)));
    }
}
