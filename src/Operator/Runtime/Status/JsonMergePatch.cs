using System.Text.Json.Nodes;

namespace Flywheel.Operator.Runtime.Status;

/// <summary>RFC 7386 merge patches between two JSON documents, with nulls treated as absent.</summary>
public static class JsonMergePatch
{
    /// <summary>True when the two documents say the same thing (property order and explicit nulls aside).</summary>
    public static bool SemanticallyEqual(JsonNode? a, JsonNode? b) => JsonNode.DeepEquals(WithoutNulls(a), WithoutNulls(b));

    /// <summary>The patch that turns <paramref name="from"/> into <paramref name="to"/>; null removes a field.</summary>
    public static JsonNode? Diff(JsonNode? from, JsonNode? to)
    {
        from = WithoutNulls(from);
        to = WithoutNulls(to);
        if (from is not JsonObject fromObject || to is not JsonObject toObject)
        {
            return to?.DeepClone();
        }

        var patch = new JsonObject();
        foreach (var (name, value) in toObject)
        {
            if (!fromObject.TryGetPropertyValue(name, out var old))
            {
                patch[name] = value?.DeepClone();
            }
            else if (!JsonNode.DeepEquals(old, value))
            {
                patch[name] = old is JsonObject && value is JsonObject ? Diff(old, value) : value?.DeepClone();
            }
        }

        foreach (var (name, _) in fromObject)
        {
            if (!toObject.ContainsKey(name))
            {
                patch[name] = null;
            }
        }

        return patch;
    }

    private static JsonNode? WithoutNulls(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.Where(p => p.Value is not null).Select(p => KeyValuePair.Create(p.Key, WithoutNulls(p.Value)))),
        JsonArray array => new JsonArray([.. array.Select(WithoutNulls)]),
        null => null,
        _ => node.DeepClone(),
    };
}
