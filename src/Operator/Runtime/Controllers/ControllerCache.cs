using Flywheel.Operator.Runtime.Informers;
using k8s;
using k8s.Models;

namespace Flywheel.Operator.Runtime.Controllers;

/// <summary>
/// The informer caches of a controller's own kind, one per watched namespace, read as one. Map functions of
/// <see cref="ControllerBuilder{TEntity}.Watches{TOther}(Func{TOther, ControllerCache{TEntity}, IEnumerable{ObjectKey}}, Func{ResourceEvent{TOther}, bool}?)"/>
/// use it to find the objects that refer to a changed one without a call to the API server. The objects are the
/// cached instances: read them, never change them.
/// </summary>
public sealed class ControllerCache<TEntity> where TEntity : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly IReadOnlyList<ResourceCache<TEntity>> _caches;

    internal ControllerCache(IReadOnlyList<ResourceCache<TEntity>> caches) => _caches = caches;

    public TEntity? Get(ObjectKey key) => _caches.Select(c => c.Get(key)).FirstOrDefault(o => o is not null);

    public TEntity? Get(string @namespace, string name) => Get(new ObjectKey(@namespace, name));

    public IReadOnlyList<TEntity> List() => [.. _caches.SelectMany(c => c.List())];

    public IReadOnlyList<TEntity> List(string @namespace) => [.. _caches.SelectMany(c => c.List(@namespace))];
}
