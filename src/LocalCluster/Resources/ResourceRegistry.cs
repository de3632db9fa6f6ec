namespace Flywheel.ApiServer.Resources;

/// <summary>Every served resource: the built-ins plus each established CRD's served versions.</summary>
internal sealed class ResourceRegistry
{
    private readonly Lock _gate = new();
    private Dictionary<string, ResourceType> _byPath = [];
    private Dictionary<string, IReadOnlyList<ResourceType>> _crds = new(StringComparer.Ordinal);
    private long _generation;

    public ResourceRegistry()
    {
        Rebuild();
    }

    /// <summary>Bumped on every change, so discovery and OpenAPI hashes change with it.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    public IReadOnlyList<ResourceType> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _byPath.Values];
            }
        }
    }

    public ResourceType? Find(string group, string version, string plural)
    {
        lock (_gate)
        {
            return _byPath.GetValueOrDefault(Key(group, version, plural));
        }
    }

    /// <summary>Any served version of a group/resource (for storage-level work such as garbage collection).</summary>
    public ResourceType? FindByStorageKey(string storageKey)
    {
        lock (_gate)
        {
            return _byPath.Values.FirstOrDefault(r => r.StorageKey == storageKey);
        }
    }

    public ResourceType? FindKind(string apiVersion, string kind)
    {
        lock (_gate)
        {
            return _byPath.Values.FirstOrDefault(r => r.ApiVersion == apiVersion && r.Kind == kind);
        }
    }

    public void SetCrd(string crdName, IReadOnlyList<ResourceType> versions)
    {
        lock (_gate)
        {
            _crds = new Dictionary<string, IReadOnlyList<ResourceType>>(_crds, StringComparer.Ordinal) { [crdName] = versions };
            Rebuild();
        }
    }

    public void RemoveCrd(string crdName)
    {
        lock (_gate)
        {
            if (_crds.ContainsKey(crdName))
            {
                _crds = new Dictionary<string, IReadOnlyList<ResourceType>>(_crds, StringComparer.Ordinal);
                _crds.Remove(crdName);
                Rebuild();
            }
        }
    }

    public bool HasCrd(string crdName)
    {
        lock (_gate)
        {
            return _crds.ContainsKey(crdName);
        }
    }

    private void Rebuild()
    {
        var map = new Dictionary<string, ResourceType>(StringComparer.Ordinal);
        foreach (var type in BuiltinResources.All.Concat(_crds.Values.SelectMany(v => v)))
        {
            map[Key(type.Group, type.Version, type.Plural)] = type;
        }

        _byPath = map;
        Interlocked.Increment(ref _generation);
    }

    private static string Key(string group, string version, string plural) => $"{group}/{version}/{plural}";
}
