using System.Text.Json.Nodes;

namespace Flywheel.ApiServer.Storage;

/// <summary>
/// One committed object: its serialized JSON (shared, never mutated, by the table, the watch history and
/// every watcher) plus the few fields that selectors and the garbage collector read without parsing.
/// </summary>
internal sealed record StoredObject(
    string Namespace,
    string Name,
    long ResourceVersion,
    string Uid,
    byte[] Json,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<string> OwnerUids,
    bool Deleting,
    IReadOnlyList<string> Finalizers,
    string ApiVersion)
{
    public string Key => $"{Namespace}/{Name}";

    public JsonObject Parse() => (JsonObject)JsonNode.Parse(Json)!;

    public static StoredObject From(JsonObject obj, long resourceVersion)
    {
        var meta = obj["metadata"] as JsonObject ?? [];
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (meta["labels"] is JsonObject labelNode)
        {
            foreach (var (key, value) in labelNode)
            {
                labels[key] = value?.ToString() ?? string.Empty;
            }
        }

        var owners = meta["ownerReferences"] is JsonArray refs
            ? refs.Select(r => (string?)r?["uid"]).OfType<string>().ToList()
            : [];
        var finalizers = meta["finalizers"] is JsonArray fins
            ? fins.Select(f => (string?)f).OfType<string>().ToList()
            : [];
        return new StoredObject(
            (string?)meta["namespace"] ?? string.Empty,
            (string?)meta["name"] ?? string.Empty,
            resourceVersion,
            (string?)meta["uid"] ?? string.Empty,
            System.Text.Encoding.UTF8.GetBytes(obj.ToJsonString(JsonText.Options)),
            labels,
            owners,
            meta["deletionTimestamp"] is not null,
            finalizers,
            (string?)obj["apiVersion"] ?? string.Empty);
    }
}

/// <summary>What happened to an object; <see cref="Previous"/> lets a filtered watch turn a move out of its selector into DELETED.</summary>
internal sealed record WatchEvent(string StorageKey, WatchEventType Type, StoredObject Object, StoredObject? Previous);

internal enum WatchEventType
{
    Added,
    Modified,
    Deleted,
}

/// <summary>Why a store write did not commit.</summary>
internal enum StoreFailure
{
    NotFound,
    AlreadyExists,
    Conflict,
}

internal sealed class StoreException(StoreFailure failure) : Exception(failure.ToString())
{
    public StoreFailure Failure { get; } = failure;
}

/// <summary>A resume point older than the kept history.</summary>
internal sealed class ResourceVersionTooOldException(long requested, long oldest) : Exception($"too old resource version: {requested} ({oldest})")
{
    public long Requested { get; } = requested;

    public long Oldest { get; } = oldest;
}
