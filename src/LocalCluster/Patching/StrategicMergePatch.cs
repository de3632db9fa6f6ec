using System.Text.Json.Nodes;
using Flywheel.ApiServer.Http;

namespace Flywheel.ApiServer.Patching;

/// <summary>
/// Strategic merge patch for built-in kinds, as kubectl computes it: lists with a merge key merge element by
/// element (<c>$patch: delete</c> removes one, <c>$setElementOrder/field</c> orders them), primitive
/// merge lists (finalizers) union (<c>$deleteFromPrimitiveList/field</c> removes), <c>$retainKeys</c>
/// and <c>$patch: replace</c> are honoured, and every other list is replaced.
/// </summary>
internal static class StrategicMergePatch
{
    private const string SetElementOrder = "$setElementOrder/";
    private const string DeleteFromPrimitiveList = "$deleteFromPrimitiveList/";

    private static readonly HashSet<string> PrimitiveMergeLists = new(StringComparer.Ordinal) { "finalizers" };

    /// <summary>The merge key of a list field, or null when the list is replaced whole.</summary>
    public static string? MergeKey(string field, JsonArray? sample) => field switch
    {
        "containers" or "initContainers" or "ephemeralContainers" or "env" or "volumes" or "imagePullSecrets" or "resourceClaims" => "name",
        "volumeMounts" => "mountPath",
        "volumeDevices" => "devicePath",
        "hostAliases" => "ip",
        "topologySpreadConstraints" => "topologyKey",
        "ownerReferences" => "uid",
        "conditions" => "type",
        "ports" => sample?.OfType<JsonObject>().Any(p => p.ContainsKey("containerPort")) == true ? "containerPort" : "port",
        _ => null,
    };

    public static JsonObject Apply(JsonObject target, JsonObject patch)
    {
        if ((string?)patch["$patch"] == "replace")
        {
            var replaced = (JsonObject)patch.DeepClone();
            replaced.Remove("$patch");
            return replaced;
        }

        if (patch["$retainKeys"] is JsonArray retain)
        {
            var keep = retain.Select(k => (string?)k).ToHashSet(StringComparer.Ordinal);
            foreach (var name in target.Select(p => p.Key).ToList())
            {
                if (!keep.Contains(name))
                {
                    target.Remove(name);
                }
            }
        }

        foreach (var (name, value) in patch)
        {
            if (name.StartsWith('$') && !name.StartsWith(SetElementOrder, StringComparison.Ordinal) && !name.StartsWith(DeleteFromPrimitiveList, StringComparison.Ordinal))
            {
                continue;
            }

            if (name.StartsWith(DeleteFromPrimitiveList, StringComparison.Ordinal))
            {
                var field = name[DeleteFromPrimitiveList.Length..];
                if (target[field] is JsonArray list && value is JsonArray remove)
                {
                    foreach (var item in list.Where(i => remove.Any(r => JsonNode.DeepEquals(r, i))).ToList())
                    {
                        list.Remove(item);
                    }
                }

                continue;
            }

            if (name.StartsWith(SetElementOrder, StringComparison.Ordinal))
            {
                continue;
            }

            if (value is null)
            {
                target.Remove(name);
                continue;
            }

            var current = target[name];
            target[name] = null;
            target[name] = Merge(name, current, value, patch[SetElementOrder + name] as JsonArray);
        }

        return target;
    }

    private static JsonNode? Merge(string field, JsonNode? current, JsonNode patch, JsonArray? order)
    {
        switch (patch)
        {
            case JsonObject patchObject when current is JsonObject currentObject:
                return Apply(currentObject, patchObject);
            case JsonObject patchObject:
                return Apply([], patchObject);
            case JsonArray patchList when current is JsonArray currentList && PrimitiveMergeLists.Contains(field):
                {
                    var merged = (JsonArray)currentList.DeepClone();
                    foreach (var item in patchList)
                    {
                        if (!merged.Any(m => JsonNode.DeepEquals(m, item)))
                        {
                            merged.Add(item?.DeepClone());
                        }
                    }

                    return merged;
                }

            case JsonArray patchList when MergeKey(field, patchList.Count > 0 ? patchList : current as JsonArray) is { } key:
                return MergeList(key, current as JsonArray ?? [], patchList, order);
            default:
                return StripDirectives(patch.DeepClone());
        }
    }

    private static JsonArray MergeList(string key, JsonArray current, JsonArray patch, JsonArray? order)
    {
        if (patch.OfType<JsonObject>().Any(p => (string?)p["$patch"] == "replace"))
        {
            return new JsonArray(patch.OfType<JsonObject>().Where(p => (string?)p["$patch"] != "replace").Select(p => StripDirectives(p.DeepClone())).ToArray());
        }

        var items = current.Select(i => i?.DeepClone()).ToList();
        foreach (var element in patch)
        {
            if (element is not JsonObject patchItem)
            {
                throw ApiException.BadRequest($"strategic merge patch: list merged by \"{key}\" must hold objects");
            }

            var keyValue = patchItem[key];
            var index = items.FindIndex(i => JsonNode.DeepEquals(i?[key], keyValue));
            if ((string?)patchItem["$patch"] == "delete")
            {
                if (index >= 0)
                {
                    items.RemoveAt(index);
                }

                continue;
            }

            if (index >= 0 && items[index] is JsonObject existing)
            {
                items[index] = Apply(existing, patchItem);
            }
            else
            {
                items.Add(StripDirectives(patchItem.DeepClone()));
            }
        }

        if (order is not null)
        {
            var ranked = order.Select(o => o?[key]).ToList();
            int Rank(JsonNode? item)
            {
                var at = ranked.FindIndex(r => JsonNode.DeepEquals(r, item?[key]));
                return at < 0 ? int.MaxValue : at;
            }

            items = items.Select((item, position) => (item, position)).OrderBy(p => Rank(p.item)).ThenBy(p => p.position).Select(p => p.item).ToList();
        }

        return new JsonArray(items.ToArray());
    }

    private static JsonNode? StripDirectives(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var name in obj.Select(p => p.Key).Where(n => n.StartsWith('$')).ToList())
                {
                    obj.Remove(name);
                }

                foreach (var (_, child) in obj)
                {
                    StripDirectives(child);
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    StripDirectives(child);
                }

                break;
        }

        return node;
    }
}
