using System.Text.Json.Nodes;
using Flywheel.ApiServer.Resources;
using Flywheel.ApiServer.Schema;

namespace Flywheel.ApiServer.Patching;

/// <summary>
/// A set of field paths in the <c>FieldsV1</c> vocabulary (<c>f:name</c>, <c>k:{"name":"x"}</c>, <c>v:"x"</c>),
/// kept flat (segments joined by a separator) so that set algebra is plain <see cref="HashSet{T}"/> work.
/// </summary>
internal static class FieldSet
{
    public const char Separator = '\u001f';

    private static readonly HashSet<string> ServerMetadata =
        ["name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink", "generateName"];

    /// <summary>The paths an object sets, as the owner of the main resource (or of /status) would own them.</summary>
    public static HashSet<string> Of(ResourceType type, JsonObject obj, string? subresource)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, value) in obj)
        {
            if (name is "apiVersion" or "kind")
            {
                continue;
            }

            if ((subresource == "status") != (name == "status") && type.HasStatus)
            {
                continue;
            }

            if (name == "metadata" && value is JsonObject meta)
            {
                foreach (var (field, child) in meta)
                {
                    if (!ServerMetadata.Contains(field))
                    {
                        Collect(child, $"f:metadata{Separator}f:{field}", field, null, type, set);
                    }
                }

                continue;
            }

            Collect(value, $"f:{name}", name, type.Schema?.Properties.GetValueOrDefault(name), type, set);
        }

        return set;
    }

    private static void Collect(JsonNode? node, string path, string field, StructuralSchema? schema, ResourceType type, HashSet<string> set)
    {
        switch (node)
        {
            case JsonObject obj when obj.Count > 0 && schema?.Type != "string":
                foreach (var (name, child) in obj)
                {
                    Collect(child, path + Separator + "f:" + name, name, schema?.Properties.GetValueOrDefault(name) ?? schema?.AdditionalProperties, type, set);
                }

                break;
            case JsonArray array when array.Count > 0 && ListKeys(type, schema, field, array) is { } keys:
                foreach (var item in array)
                {
                    var itemPath = path + Separator + ItemSegment(keys, item);
                    set.Add(itemPath);
                    if (item is JsonObject itemObject && keys.Count > 0)
                    {
                        foreach (var (name, child) in itemObject)
                        {
                            Collect(child, itemPath + Separator + "f:" + name, name, schema?.Items?.Properties.GetValueOrDefault(name), type, set);
                        }
                    }
                }

                break;
            default:
                set.Add(path);
                break;
        }
    }

    /// <summary>Keys of an associative list; an empty list for a set of scalars; null for an atomic list.</summary>
    public static IReadOnlyList<string>? ListKeys(ResourceType type, StructuralSchema? schema, string field, JsonArray array)
    {
        if (schema?.ListType == "map" && schema.ListMapKeys.Count > 0)
        {
            return schema.ListMapKeys;
        }

        if (schema?.ListType == "set")
        {
            return [];
        }

        if (schema is null && field == "finalizers")
        {
            return [];
        }

        if (type.MergeKeys is not null && StrategicMergePatch.MergeKey(field, array) is { } key && array.All(i => i is JsonObject))
        {
            return [key];
        }

        return null;
    }

    public static string ItemSegment(IReadOnlyList<string> keys, JsonNode? item)
    {
        if (keys.Count == 0)
        {
            return "v:" + (item?.ToJsonString() ?? "null");
        }

        var key = new JsonObject();
        foreach (var name in keys)
        {
            key[name] = item?[name]?.DeepClone();
        }

        return "k:" + key.ToJsonString();
    }

    /// <summary>Nested <c>fieldsV1</c> JSON for a flat set.</summary>
    public static JsonObject ToFieldsV1(IEnumerable<string> paths)
    {
        var root = new JsonObject();
        var ordered = paths.OrderBy(p => p, StringComparer.Ordinal).ToList();
        var members = ordered.ToHashSet(StringComparer.Ordinal);
        foreach (var path in ordered)
        {
            var node = root;
            var segments = path.Split(Separator);
            foreach (var segment in segments)
            {
                if (node[segment] is not JsonObject child)
                {
                    child = [];
                    node[segment] = child;
                }

                node = child;
            }
        }

        MarkMembers(root, string.Empty, members);
        return root;
    }

    private static void MarkMembers(JsonObject node, string prefix, HashSet<string> members)
    {
        foreach (var (segment, child) in node.ToList())
        {
            if (child is JsonObject childObject && childObject.Count > 0)
            {
                var path = prefix.Length == 0 ? segment : prefix + Separator + segment;
                MarkMembers(childObject, path, members);
                if (members.Contains(path))
                {
                    childObject["."] = new JsonObject();
                }
            }
        }
    }

    public static HashSet<string> FromFieldsV1(JsonNode? fields)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        if (fields is JsonObject obj)
        {
            Flatten(obj, string.Empty, set);
        }

        return set;
    }

    private static void Flatten(JsonObject node, string prefix, HashSet<string> set)
    {
        foreach (var (segment, child) in node)
        {
            if (segment == ".")
            {
                set.Add(prefix);
                continue;
            }

            var path = prefix.Length == 0 ? segment : prefix + Separator + segment;
            if (child is JsonObject childObject && childObject.Count > 0)
            {
                Flatten(childObject, path, set);
            }
            else
            {
                set.Add(path);
            }
        }
    }
}
