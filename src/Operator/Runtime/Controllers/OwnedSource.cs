using Flywheel.Operator.Runtime.Informers;
using k8s;
using k8s.Models;

namespace Flywheel.Operator.Runtime.Controllers;

/// <summary>The informers of one owned kind, erased to what the controller needs: run, look up, report changes.</summary>
internal interface IOwnedSource
{
    ResourceType Type { get; }

    bool IsSynced { get; }

    IKubernetesObject<V1ObjectMeta>? Find(ObjectKey key);

    Task RunAsync(Action<IKubernetesObject<V1ObjectMeta>> changed, CancellationToken cancellationToken);
}

/// <summary>Creates the owned-kind source for one controller run.</summary>
internal delegate IOwnedSource OwnedSourceFactory(IResourceApis apis, IReadOnlyList<string?> namespaces, TimeProvider time, ILoggerFactory logs, InformerOptions options);

internal sealed class OwnedSource<TChild> : IOwnedSource where TChild : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly IReadOnlyList<ResourceInformer<TChild>> _informers;

    public OwnedSource(IResourceApis apis, IReadOnlyList<string?> namespaces, TimeProvider time, ILoggerFactory logs, InformerOptions options)
    {
        var api = apis.For<TChild>();
        var logger = logs.CreateLogger<ResourceInformer<TChild>>();
        _informers = [.. namespaces.Select(ns => new ResourceInformer<TChild>(api, ns, time, logger, options))];
        Type = api.Type;
    }

    public ResourceType Type { get; }

    public bool IsSynced => _informers.All(i => i.Synced.IsCompletedSuccessfully);

    public IKubernetesObject<V1ObjectMeta>? Find(ObjectKey key) =>
        _informers.Select(i => i.Cache.Get(key)).FirstOrDefault(o => o is not null);

    public Task RunAsync(Action<IKubernetesObject<V1ObjectMeta>> changed, CancellationToken cancellationToken)
    {
        foreach (var informer in _informers)
        {
            // A resync of a child carries no news; the owner has its own resync.
            informer.Changed += e =>
            {
                if (e.Type != ResourceEventType.Resync)
                {
                    changed(e.Object);
                }
            };
        }

        return Task.WhenAll(_informers.Select(i => i.RunAsync(cancellationToken)));
    }
}
