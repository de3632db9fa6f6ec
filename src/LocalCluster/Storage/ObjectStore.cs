using System.Text.Json.Nodes;

namespace Flywheel.ApiServer.Storage;

/// <summary>
/// All objects, one resourceVersion counter for the whole cluster, a bounded history of events for
/// watch resumption, and the live watchers. Every write is compare-and-swap on the object's
/// resourceVersion, so callers read, compute and commit without holding a lock across their work.
/// </summary>
internal sealed class ObjectStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SortedDictionary<string, StoredObject>> _tables = new(StringComparer.Ordinal);
    private readonly WatchEvent[] _history;
    private readonly List<Subscription> _subscriptions = [];
    private int _historyStart;
    private int _historyCount;
    private long _revision;
    private long _historyFloor;
    private Action<WatchEvent>? _persist;

    public ObjectStore(int historyLimit, long initialRevision = 1)
    {
        _history = new WatchEvent[Math.Max(16, historyLimit)];
        _revision = initialRevision;
        _historyFloor = initialRevision;
    }

    public long Revision
    {
        get
        {
            lock (_gate)
            {
                return _revision;
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _tables.Values.Sum(t => t.Count);
            }
        }
    }

    public StoredObject? Get(string storageKey, string ns, string name)
    {
        lock (_gate)
        {
            return _tables.TryGetValue(storageKey, out var table) ? table.GetValueOrDefault($"{ns}/{name}") : null;
        }
    }

    /// <summary>Objects in key order (namespace, then name) after <paramref name="afterKey"/>, and the revision of the read.</summary>
    public (List<StoredObject> Items, long Revision) List(string storageKey, string? ns, string? afterKey = null)
    {
        lock (_gate)
        {
            var items = new List<StoredObject>();
            if (_tables.TryGetValue(storageKey, out var table))
            {
                foreach (var (key, value) in table)
                {
                    if ((ns is null || value.Namespace == ns) && (afterKey is null || string.CompareOrdinal(key, afterKey) > 0))
                    {
                        items.Add(value);
                    }
                }
            }

            return (items, _revision);
        }
    }

    /// <summary>Every object of every table (garbage collection, persistence).</summary>
    public List<(string StorageKey, StoredObject Object)> Snapshot()
    {
        lock (_gate)
        {
            return _tables.SelectMany(t => t.Value.Values.Select(o => (t.Key, o))).ToList();
        }
    }

    public IReadOnlyList<string> StorageKeys()
    {
        lock (_gate)
        {
            return [.. _tables.Keys];
        }
    }

    /// <summary>Commits a new object, stamping the next resourceVersion into it.</summary>
    public StoredObject Create(string storageKey, JsonObject obj)
    {
        lock (_gate)
        {
            var table = Table(storageKey);
            var key = KeyOf(obj);
            if (table.ContainsKey(key))
            {
                throw new StoreException(StoreFailure.AlreadyExists);
            }

            var stored = Stamp(obj);
            table[key] = stored;
            Record(new WatchEvent(storageKey, WatchEventType.Added, stored, null));
            return stored;
        }
    }

    /// <summary>Replaces an object if it is still at <paramref name="expectedRevision"/>.</summary>
    public StoredObject Update(string storageKey, JsonObject obj, long expectedRevision)
    {
        lock (_gate)
        {
            var table = Table(storageKey);
            var key = KeyOf(obj);
            if (!table.TryGetValue(key, out var current))
            {
                throw new StoreException(StoreFailure.NotFound);
            }

            if (current.ResourceVersion != expectedRevision)
            {
                throw new StoreException(StoreFailure.Conflict);
            }

            var stored = Stamp(obj);
            table[key] = stored;
            Record(new WatchEvent(storageKey, WatchEventType.Modified, stored, current));
            return stored;
        }
    }

    /// <summary>Removes an object if it is still at <paramref name="expectedRevision"/>; the DELETED event carries a new resourceVersion.</summary>
    public StoredObject Delete(string storageKey, string ns, string name, long expectedRevision)
    {
        lock (_gate)
        {
            var table = Table(storageKey);
            var key = $"{ns}/{name}";
            if (!table.TryGetValue(key, out var current))
            {
                throw new StoreException(StoreFailure.NotFound);
            }

            if (current.ResourceVersion != expectedRevision)
            {
                throw new StoreException(StoreFailure.Conflict);
            }

            table.Remove(key);
            var obj = current.Parse();
            var gone = Stamp(obj);
            Record(new WatchEvent(storageKey, WatchEventType.Deleted, gone, current));
            return gone;
        }
    }

    /// <summary>Loads an object as it was persisted, keeping its resourceVersion (start-up only).</summary>
    public void Restore(string storageKey, StoredObject stored, long revisionFloor)
    {
        lock (_gate)
        {
            Table(storageKey)[stored.Key] = stored;
            _revision = Math.Max(_revision, Math.Max(stored.ResourceVersion, revisionFloor));
            _historyFloor = _revision;
        }
    }

    /// <summary>Writes every committed event through <paramref name="persist"/> before the write returns (standalone mode's data directory).</summary>
    public void PersistWith(Action<WatchEvent> persist)
    {
        lock (_gate)
        {
            _persist = persist;
        }
    }

    /// <summary>Makes the next resourceVersion exceed <paramref name="floor"/> (versions never repeat across restarts).</summary>
    public void RaiseRevision(long floor)
    {
        lock (_gate)
        {
            _revision = Math.Max(_revision, floor);
            _historyFloor = _revision;
        }
    }

    /// <summary>
    /// Starts a watch. With <paramref name="fromRevision"/> the backlog is every kept event after it (410 when it
    /// is older than the history); without it the backlog is an ADDED event per current object.
    /// </summary>
    public (Subscription Subscription, List<WatchEvent> Backlog, long Revision) Watch(string? storageKey, string? ns, long? fromRevision, bool isInternal = false)
    {
        lock (_gate)
        {
            var backlog = new List<WatchEvent>();
            if (fromRevision is { } from)
            {
                if (from < _historyFloor)
                {
                    throw new ResourceVersionTooOldException(from, _historyFloor);
                }

                for (var i = 0; i < _historyCount; i++)
                {
                    var evt = _history[(_historyStart + i) % _history.Length];
                    if (evt.Object.ResourceVersion > from && (storageKey is null || evt.StorageKey == storageKey) && (ns is null || evt.Object.Namespace == ns))
                    {
                        backlog.Add(evt);
                    }
                }
            }
            else if (storageKey is not null && _tables.TryGetValue(storageKey, out var table))
            {
                foreach (var obj in table.Values)
                {
                    if (ns is null || obj.Namespace == ns)
                    {
                        backlog.Add(new WatchEvent(storageKey, WatchEventType.Added, obj, null));
                    }
                }
            }

            var subscription = new Subscription(this, storageKey, ns, isInternal);
            _subscriptions.Add(subscription);
            return (subscription, backlog, _revision);
        }
    }

    /// <summary>Ends every client watch (fault injection); clients must re-list or resume.</summary>
    public int DropWatches()
    {
        List<Subscription> dropped;
        lock (_gate)
        {
            dropped = _subscriptions.Where(s => !s.IsInternal).ToList();
            _subscriptions.RemoveAll(s => !s.IsInternal);
        }

        foreach (var subscription in dropped)
        {
            subscription.Close();
        }

        return dropped.Count;
    }

    public void Unsubscribe(Subscription subscription)
    {
        lock (_gate)
        {
            _subscriptions.Remove(subscription);
        }
    }

    private SortedDictionary<string, StoredObject> Table(string storageKey)
    {
        if (!_tables.TryGetValue(storageKey, out var table))
        {
            table = new SortedDictionary<string, StoredObject>(StringComparer.Ordinal);
            _tables[storageKey] = table;
        }

        return table;
    }

    private StoredObject Stamp(JsonObject obj)
    {
        var revision = ++_revision;
        var meta = obj["metadata"] as JsonObject ?? [];
        obj["metadata"] = meta;
        meta["resourceVersion"] = revision.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return StoredObject.From(obj, revision);
    }

    private void Record(WatchEvent evt)
    {
        _persist?.Invoke(evt);
        if (_historyCount < _history.Length)
        {
            _history[(_historyStart + _historyCount) % _history.Length] = evt;
            _historyCount++;
        }
        else
        {
            _historyFloor = _history[_historyStart].Object.ResourceVersion;
            _history[_historyStart] = evt;
            _historyStart = (_historyStart + 1) % _history.Length;
        }

        foreach (var subscription in _subscriptions)
        {
            if (subscription.Matches(evt))
            {
                subscription.Publish(evt);
            }
        }
    }

    private static string KeyOf(JsonObject obj) =>
        $"{(string?)obj["metadata"]?["namespace"] ?? string.Empty}/{(string?)obj["metadata"]?["name"]}";
}
