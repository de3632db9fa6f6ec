using System.Text.Json.Nodes;
using Flywheel.ApiServer.Http;
using Flywheel.ApiServer.Resources;
using Flywheel.ApiServer.Schema;
using Flywheel.ApiServer.Semantics;

namespace Flywheel.ApiServer.Patching;

/// <summary>
/// Server-side apply: the applied configuration is merged into the live object (maps and associative lists
/// merge, everything else replaces); fields this manager applied before and no longer applies are removed
/// unless someone else owns them; a field owned by another manager with a different value is a conflict
/// (409) unless <c>force</c> moves it.
/// </summary>
internal static class ServerSideApply
{
    public static JsonObject Apply(ResourceType type, JsonObject? current, JsonObject applied, string manager, bool force, DateTimeOffset now, string? subresource)
    {
        var config = (JsonObject)applied.DeepClone();
        config["apiVersion"] = type.ApiVersion;
        config["kind"] = type.Kind;
        if (type.HasStatus && subresource is null)
        {
            config.Remove("status");
        }

        var configMeta = ObjectMeta.Of(config);
        configMeta.Remove("managedFields");
        configMeta.Remove("resourceVersion");
        var newSet = FieldSet.Of(type, config, subresource);
        var time = JsonValue.Create(ObjectMeta.Timestamp(now));
        if (current is null)
        {
            ManagedFields.Write(config, [new ManagedFields.Entry(manager, "Apply", type.ApiVersion, subresource, newSet, time)]);
            return config;
        }

        var entries = ManagedFields.Read(current);
        var mine = entries.FirstOrDefault(e => IsMine(e, manager, subresource));
        var previous = mine?.Fields ?? [];
        var conflicts = new List<(ManagedFields.Entry Owner, string Path)>();
        foreach (var entry in entries.Where(e => !IsMine(e, manager, subresource) && e.Subresource == subresource))
        {
            foreach (var path in entry.Fields.Where(newSet.Contains))
            {
                FieldPaths.TryGet(current, path, out var live);
                FieldPaths.TryGet(config, path, out var wanted);
                if (live is not JsonObject { Count: > 0 } && !JsonNode.DeepEquals(live, wanted))
                {
                    conflicts.Add((entry, path));
                }
            }
        }

        if (conflicts.Count > 0 && !force)
        {
            throw Conflict(type, ObjectMeta.Name(current) ?? string.Empty, conflicts);
        }

        var result = (JsonObject)current.DeepClone();
        MergeInto(result, config, type, type.Schema, subresource is null ? null : "status");
        var others = entries.Where(e => !IsMine(e, manager, subresource)).SelectMany(e => e.Fields).ToHashSet(StringComparer.Ordinal);
        foreach (var path in previous.Where(p => !newSet.Contains(p) && !others.Contains(p)).OrderByDescending(p => p.Length))
        {
            FieldPaths.Remove(result, path);
        }

        foreach (var (owner, path) in conflicts)
        {
            owner.Fields.Remove(path);
        }

        var updated = entries.Where(e => !IsMine(e, manager, subresource)).ToList();
        updated.Insert(0, new ManagedFields.Entry(manager, "Apply", type.ApiVersion, subresource, newSet, time));
        ManagedFields.Write(result, updated);
        return result;
    }

    private static bool IsMine(ManagedFields.Entry entry, string manager, string? subresource) =>
        entry.Manager == manager && entry.Operation == "Apply" && entry.Subresource == subresource;

    private static ApiException Conflict(ResourceType type, string name, List<(ManagedFields.Entry Owner, string Path)> conflicts)
    {
        var causes = new JsonArray();
        foreach (var (owner, path) in conflicts)
        {
            causes.Add(new JsonObject
            {
                ["reason"] = "FieldManagerConflict",
                ["message"] = $"conflict with \"{owner.Manager}\" using {owner.ApiVersion}",
                ["field"] = FieldPaths.Render(path),
            });
        }

        string message;
        if (conflicts.Count == 1)
        {
            message = $"Apply failed with 1 conflict: conflict with \"{conflicts[0].Owner.Manager}\" using {conflicts[0].Owner.ApiVersion}: {FieldPaths.Render(conflicts[0].Path)}";
        }
        else
        {
            var lines = conflicts.GroupBy(c => (c.Owner.Manager, c.Owner.ApiVersion))
                .Select(g => $"conflicts with \"{g.Key.Manager}\" using {g.Key.ApiVersion}:\n" + string.Join("\n", g.Select(c => "- " + FieldPaths.Render(c.Path))));
            message = $"Apply failed with {conflicts.Count} conflicts: {string.Join("\n", lines)}";
        }

        return new ApiException(409, "Conflict", message, new JsonObject
        {
            ["name"] = name,
            ["group"] = type.Group,
            ["kind"] = type.Plural,
            ["causes"] = causes,
        });
    }

    private static void MergeInto(JsonObject target, JsonObject config, ResourceType type, StructuralSchema? schema, string? only)
    {
        foreach (var (name, value) in config)
        {
            if (only is not null && name is not ("apiVersion" or "kind" or "metadata") && name != only)
            {
                continue;
            }

            var childSchema = schema?.Properties.GetValueOrDefault(name) ?? schema?.AdditionalProperties;
            var existing = target[name];
            if (value is JsonObject configObject && existing is JsonObject targetObject)
            {
                MergeInto(targetObject, configObject, type, childSchema, null);
            }
            else if (value is JsonArray configList && existing is JsonArray targetList && FieldSet.ListKeys(type, childSchema, name, configList) is { } keys)
            {
                MergeList(targetList, configList, keys, type, childSchema?.Items);
            }
            else
            {
                target.Remove(name);
                target[name] = value?.DeepClone();
            }
        }
    }

    private static void MergeList(JsonArray target, JsonArray config, IReadOnlyList<string> keys, ResourceType type, StructuralSchema? itemSchema)
    {
        foreach (var item in config)
        {
            var segment = FieldSet.ItemSegment(keys, item);
            var index = -1;
            for (var i = 0; i < target.Count; i++)
            {
                if (FieldSet.ItemSegment(keys, target[i]) == segment)
                {
                    index = i;
                    break;
                }
            }

            if (index < 0)
            {
                target.Add(item?.DeepClone());
            }
            else if (item is JsonObject itemObject && target[index] is JsonObject existing && keys.Count > 0)
            {
                MergeInto(existing, itemObject, type, itemSchema, null);
            }
        }
    }
}
