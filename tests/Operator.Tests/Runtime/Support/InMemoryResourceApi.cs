using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Flywheel.Operator.Runtime;
using Flywheel.Operator.Runtime.Informers;
using k8s;
using k8s.Models;

namespace Flywheel.Operator.Tests.Runtime.Support;

/// <summary>
/// An API for one kind with the list/watch contract of the API server: resource versions, watch replay from a
/// resource version, 410 Gone for compacted versions, and server-side watch drops.
/// </summary>
internal sealed class InMemoryResourceApi<T> : IResourceApi<T> where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ObjectKey, T> _objects = [];
    private readonly List<(long Version, WatchEventType Type, T Object)> _history = [];
    private readonly List<Channel<(WatchEventType, T)>> _watchers = [];
    private long _version;
    private long _compacted;
    private TaskCompletionSource _gate = CompletedGate();

    public ResourceType Type { get; } = ResourceType.Of<T>();

    public int ListCalls { get; private set; }

    public int WatchCalls { get; private set; }

    public List<string> Applied { get; } = [];

    public T Put(T obj)
    {
        lock (_lock)
        {
            var copy = Copy(obj);
            var key = ObjectKey.From(copy);
            var type = _objects.ContainsKey(key) ? WatchEventType.Modified : WatchEventType.Added;
            copy.Metadata.ResourceVersion = (++_version).ToString(CultureInfo.InvariantCulture);
            copy.Metadata.Uid ??= Guid.NewGuid().ToString();
            _objects[key] = copy;
            Publish(type, copy);
            return Copy(copy);
        }
    }

    public void Delete(string @namespace, string name)
    {
        lock (_lock)
        {
            if (_objects.Remove(new ObjectKey(@namespace, name), out var old))
            {
                var copy = Copy(old);
                copy.Metadata.ResourceVersion = (++_version).ToString(CultureInfo.InvariantCulture);
                Publish(WatchEventType.Deleted, copy);
            }
        }
    }

    /// <summary>Forgets the history, so a watch from an older resource version gets 410 Gone.</summary>
    public void Compact()
    {
        lock (_lock)
        {
            _compacted = _version;
            _history.Clear();
        }
    }

    /// <summary>Holds new watch requests until <see cref="Resume"/>, as an unreachable server would.</summary>
    public void Pause()
    {
        lock (_lock)
        {
            _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public void Resume()
    {
        lock (_lock)
        {
            _gate.TrySetResult();
        }
    }

    /// <summary>Ends every open watch, as the server does on a timeout or restart.</summary>
    public void DropWatches()
    {
        lock (_lock)
        {
            foreach (var watcher in _watchers)
            {
                watcher.Writer.TryComplete();
            }

            _watchers.Clear();
        }
    }

    public int OpenWatches
    {
        get
        {
            lock (_lock)
            {
                return _watchers.Count;
            }
        }
    }

    public Task<ResourceList<T>> ListAsync(string? @namespace, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            ListCalls++;
            var items = _objects.Values.Where(o => @namespace is null || o.Metadata.NamespaceProperty == @namespace).Select(Copy).ToList();
            return Task.FromResult(new ResourceList<T>(items, _version.ToString(CultureInfo.InvariantCulture)));
        }
    }

    public async IAsyncEnumerable<(WatchEventType Type, T Object)> WatchAsync(string? @namespace, string resourceVersion, Action<Exception> onError, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Task gate;
        lock (_lock)
        {
            gate = _gate.Task;
        }

        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        var channel = Channel.CreateUnbounded<(WatchEventType, T)>();
        lock (_lock)
        {
            WatchCalls++;
            var from = long.Parse(resourceVersion, CultureInfo.InvariantCulture);
            if (from < _compacted)
            {
                // What the API server sends: an ERROR event carrying a 410 Status, then the end of the stream.
                onError(new KubernetesException(new V1Status { Code = 410, Reason = "Expired", Message = $"too old resource version: {from} ({_compacted})" }));
                yield break;
            }

            foreach (var (version, type, obj) in _history.Where(h => h.Version > from))
            {
                channel.Writer.TryWrite((type, Copy(obj)));
            }

            _watchers.Add(channel);
        }

        await foreach (var (type, obj) in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (@namespace is null || obj.Metadata.NamespaceProperty == @namespace)
            {
                yield return (type, obj);
            }
        }
    }

    public Task<T> ReadAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(Copy(_objects[new ObjectKey(@namespace, name)]));
        }
    }

    public Task<T> ApplyAsync(T obj, string fieldManager, bool force, CancellationToken cancellationToken)
    {
        Applied.Add($"{fieldManager}:{ObjectKey.From(obj)}");
        return Task.FromResult(Put(obj));
    }

    public List<string> StatusPatches { get; } = [];

    public Task<T> PatchStatusAsync(string @namespace, string name, V1Patch patch, CancellationToken cancellationToken)
    {
        StatusPatches.Add((string)patch.Content);
        return ReadAsync(@namespace, name, cancellationToken);
    }

    private void Publish(WatchEventType type, T obj)
    {
        _history.Add((_version, type, obj));
        foreach (var watcher in _watchers)
        {
            watcher.Writer.TryWrite((type, Copy(obj)));
        }
    }

    private static TaskCompletionSource CompletedGate()
    {
        var gate = new TaskCompletionSource();
        gate.SetResult();
        return gate;
    }

    private static T Copy(T obj) => KubernetesJson.Deserialize<T>(KubernetesJson.Serialize(obj));
}

/// <summary>Serves each kind from an in-memory API.</summary>
internal sealed class InMemoryResourceApis : IResourceApis
{
    private readonly Dictionary<Type, object> _apis = [];

    public InMemoryResourceApi<T> Of<T>() where T : class, IKubernetesObject<V1ObjectMeta>
    {
        lock (_apis)
        {
            if (!_apis.TryGetValue(typeof(T), out var api))
            {
                api = new InMemoryResourceApi<T>();
                _apis[typeof(T)] = api;
            }

            return (InMemoryResourceApi<T>)api;
        }
    }

    public IResourceApi<T> For<T>() where T : class, IKubernetesObject<V1ObjectMeta> => Of<T>();
}
