using System.Collections.Concurrent;
using k8s;
using k8s.Models;

namespace Flywheel.Operator.Runtime.Informers;

/// <summary>
/// The informer's in-memory copy of one kind, keyed by namespace/name. Readers get the cached instances:
/// treat them as read-only (the controller hands reconcilers a deep copy).
/// </summary>
public sealed class ResourceCache<T> where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly ConcurrentDictionary<ObjectKey, T> _items = new();

    public int Count => _items.Count;

    public T? Get(ObjectKey key) => _items.GetValueOrDefault(key);

    public T? Get(string @namespace, string name) => Get(new ObjectKey(@namespace, name));

    public IReadOnlyList<T> List() => [.. _items.Values];

    public IReadOnlyList<T> List(string @namespace) => [.. _items.Where(p => p.Key.Namespace == @namespace).Select(p => p.Value)];

    internal T? Upsert(T obj)
    {
        var key = ObjectKey.From(obj);
        T? old = null;
        _items.AddOrUpdate(key, obj, (_, existing) =>
        {
            old = existing;
            return obj;
        });
        return old;
    }

    internal T? Remove(ObjectKey key) => _items.TryRemove(key, out var old) ? old : null;

    /// <summary>Replaces the whole content after a (re)list; returns the objects that disappeared.</summary>
    internal IReadOnlyList<T> Replace(IEnumerable<T> items)
    {
        var fresh = items.ToDictionary(ObjectKey.From);
        var gone = new List<T>();
        foreach (var key in _items.Keys)
        {
            if (!fresh.ContainsKey(key) && _items.TryRemove(key, out var old))
            {
                gone.Add(old);
            }
        }

        foreach (var (key, obj) in fresh)
        {
            _items[key] = obj;
        }

        return gone;
    }
}
