using System.Text.Json.Nodes;
using Flywheel.ApiServer.Resources;
using Flywheel.ApiServer.Semantics;

namespace Flywheel.ApiServer.Patching;

/// <summary>
/// <c>metadata.managedFields</c>: one entry per (manager, operation, subresource) with the fields it owns.
/// Updates take ownership of the fields they change; apply owns exactly what it applied.
/// </summary>
internal static class ManagedFields
{
    public sealed record Entry(string Manager, string Operation, string ApiVersion, string? Subresource, HashSet<string> Fields, JsonNode? Time);

    public static List<Entry> Read(JsonObject obj)
    {
        var entries = new List<Entry>();
        if (obj["metadata"]?["managedFields"] is JsonArray array)
        {
            foreach (var item in array.OfType<JsonObject>())
            {
                entries.Add(new Entry(
                    (string?)item["manager"] ?? string.Empty,
                    (string?)item["operation"] ?? "Update",
                    (string?)item["apiVersion"] ?? string.Empty,
                    (string?)item["subresource"],
                    FieldSet.FromFieldsV1(item["fieldsV1"]),
                    item["time"]?.DeepClone()));
            }
        }

        return entries;
    }

    public static void Write(JsonObject obj, IEnumerable<Entry> entries)
    {
        var array = new JsonArray();
        foreach (var entry in entries.Where(e => e.Fields.Count > 0))
        {
            var item = new JsonObject
            {
                ["manager"] = entry.Manager,
                ["operation"] = entry.Operation,
                ["apiVersion"] = entry.ApiVersion,
                ["time"] = entry.Time?.DeepClone(),
                ["fieldsType"] = "FieldsV1",
                ["fieldsV1"] = FieldSet.ToFieldsV1(entry.Fields),
            };
            if (entry.Subresource is not null)
            {
                item["subresource"] = entry.Subresource;
            }

            array.Add(item);
        }

        var meta = ObjectMeta.Of(obj);
        if (array.Count == 0)
        {
            meta.Remove("managedFields");
        }
        else
        {
            meta["managedFields"] = array;
        }
    }

    /// <summary>Gives <paramref name="manager"/> the fields an update or create changed and takes them from everyone else.</summary>
    public static void RecordUpdate(ResourceType type, JsonObject? before, JsonObject next, string manager, string operation, string? subresource, DateTimeOffset now)
    {
        if (operation == "Apply")
        {
            return;
        }

        var beforeSet = before is null ? [] : FieldSet.Of(type, before, subresource);
        var afterSet = FieldSet.Of(type, next, subresource);
        var changed = afterSet.Where(p => !beforeSet.Contains(p) || !SameValue(before, next, p)).ToHashSet(StringComparer.Ordinal);
        var removed = beforeSet.Where(p => !afterSet.Contains(p)).ToHashSet(StringComparer.Ordinal);
        var entries = before is null && next["metadata"]?["managedFields"] is null ? [] : Read(next);
        if (changed.Count == 0 && removed.Count == 0)
        {
            Write(next, entries);
            return;
        }

        foreach (var entry in entries)
        {
            entry.Fields.ExceptWith(removed);
            if (!(entry.Manager == manager && entry.Operation == "Update" && entry.Subresource == subresource))
            {
                entry.Fields.ExceptWith(changed);
            }
        }

        var mine = entries.FirstOrDefault(e => e.Manager == manager && e.Operation == "Update" && e.Subresource == subresource);
        var time = JsonValue.Create(ObjectMeta.Timestamp(now));
        if (mine is null)
        {
            entries.Add(new Entry(manager, "Update", type.ApiVersion, subresource, changed, time));
        }
        else
        {
            mine.Fields.UnionWith(changed);
            entries[entries.IndexOf(mine)] = mine with { Time = time, ApiVersion = type.ApiVersion };
        }

        Write(next, entries);
    }

    private static bool SameValue(JsonObject? before, JsonObject after, string path) =>
        FieldPaths.TryGet(before, path, out var a) & FieldPaths.TryGet(after, path, out var b) && (IsContainer(a) || JsonNode.DeepEquals(a, b));

    private static bool IsContainer(JsonNode? node) => node is JsonObject { Count: > 0 };
}
