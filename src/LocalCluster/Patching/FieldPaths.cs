using System.Text;
using System.Text.Json.Nodes;

namespace Flywheel.ApiServer.Patching;

/// <summary>Reads, removes and prints the value at a <see cref="FieldSet"/> path.</summary>
internal static class FieldPaths
{
    public static bool TryGet(JsonNode? root, string path, out JsonNode? value)
    {
        value = root;
        foreach (var segment in path.Split(FieldSet.Separator))
        {
            if (!TryStep(value, segment, out value, out _, out _))
            {
                return false;
            }
        }

        return true;
    }

    public static void Remove(JsonNode? root, string path)
    {
        var segments = path.Split(FieldSet.Separator);
        var node = root;
        for (var i = 0; i < segments.Length; i++)
        {
            if (!TryStep(node, segments[i], out var child, out var parent, out var index))
            {
                return;
            }

            if (i == segments.Length - 1)
            {
                switch (parent)
                {
                    case JsonObject obj:
                        obj.Remove(segments[i][2..]);
                        break;
                    case JsonArray array when index >= 0:
                        array.RemoveAt(index);
                        break;
                }

                return;
            }

            node = child;
        }
    }

    private static bool TryStep(JsonNode? node, string segment, out JsonNode? child, out JsonNode? parent, out int index)
    {
        child = null;
        parent = node;
        index = -1;
        if (segment.StartsWith("f:", StringComparison.Ordinal))
        {
            return node is JsonObject obj && obj.TryGetPropertyValue(segment[2..], out child);
        }

        if (node is not JsonArray array)
        {
            return false;
        }

        if (segment.StartsWith("k:", StringComparison.Ordinal))
        {
            var key = JsonNode.Parse(segment[2..]) as JsonObject ?? [];
            for (var i = 0; i < array.Count; i++)
            {
                if (key.All(k => JsonNode.DeepEquals(array[i]?[k.Key], k.Value)))
                {
                    (child, index) = (array[i], i);
                    return true;
                }
            }

            return false;
        }

        if (segment.StartsWith("v:", StringComparison.Ordinal))
        {
            var wanted = JsonNode.Parse(segment[2..]);
            for (var i = 0; i < array.Count; i++)
            {
                if (JsonNode.DeepEquals(array[i], wanted))
                {
                    (child, index) = (array[i], i);
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The path as conflict messages print it: <c>.spec.containers[name="app"].image</c>.</summary>
    public static string Render(string path)
    {
        var text = new StringBuilder();
        foreach (var segment in path.Split(FieldSet.Separator))
        {
            if (segment.StartsWith("f:", StringComparison.Ordinal))
            {
                text.Append('.').Append(segment[2..]);
            }
            else if (segment.StartsWith("k:", StringComparison.Ordinal) && JsonNode.Parse(segment[2..]) is JsonObject key)
            {
                text.Append('[').Append(string.Join(",", key.Select(k => $"{k.Key}={k.Value?.ToJsonString()}"))).Append(']');
            }
            else if (segment.StartsWith("v:", StringComparison.Ordinal))
            {
                text.Append('[').Append(segment[2..]).Append(']');
            }
        }

        return text.ToString();
    }
}
