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

internal sealed class OwnedSource<TChild>(IResourceApis apis, IReadOnlyList<string?> namespaces, TimeProvider time, ILoggerFactory logs, InformerOptions options)
    : IOwnedSource where TChild : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly NamespacedInformers<TChild> _informers = new(apis, namespaces, time, logs, options);

    public ResourceType Type => _informers.Type;

    public bool IsSynced => _informers.IsSynced;

    public IKubernetesObject<V1ObjectMeta>? Find(ObjectKey key) => _informers.Find(key);

    public Task RunAsync(Action<IKubernetesObject<V1ObjectMeta>> changed, CancellationToken cancellationToken) =>
        _informers.RunAsync(e => changed(e.Object), cancellationToken);
}
