using System.Text.Json.Nodes;
using Flywheel.ApiServer.Http;

namespace Flywheel.ApiServer.Patching;

/// <summary>RFC 6902 JSON patch: add, remove, replace, move, copy, test.</summary>
internal static class JsonPatch
{
    public static JsonNode? Apply(JsonNode? target, JsonArray operations)
    {
        var doc = target;
        for (var i = 0; i < operations.Count; i++)
        {
            if (operations[i] is not JsonObject op)
            {
                throw ApiException.BadRequest($"json patch operation {i} is not an object");
            }

            var kind = (string?)op["op"] ?? throw ApiException.BadRequest($"json patch operation {i} has no \"op\"; use add, remove, replace, move, copy or test");
            var path = (string?)op["path"] ?? throw ApiException.BadRequest($"json patch operation {i} ({kind}) has no \"path\"");
            switch (kind)
            {
                case "add":
                    doc = Add(doc, path, op["value"]?.DeepClone());
                    break;
                case "remove":
                    doc = Remove(doc, path, out _);
                    break;
                case "replace":
                    doc = Remove(doc, path, out _);
                    doc = Add(doc, path, op["value"]?.DeepClone());
                    break;
                case "move":
                    {
                        var from = (string?)op["from"] ?? throw ApiException.BadRequest($"json patch operation {i} (move) has no \"from\"");
                        doc = Remove(doc, from, out var moved);
                        doc = Add(doc, path, moved);
                        break;
                    }

                case "copy":
                    {
                        var from = (string?)op["from"] ?? throw ApiException.BadRequest($"json patch operation {i} (copy) has no \"from\"");
                        doc = Add(doc, path, Resolve(doc, from)?.DeepClone());
                        break;
                    }

                case "test":
                    if (!JsonNode.DeepEquals(Resolve(doc, path), op["value"]))
                    {
                        throw new ApiException(422, "Invalid", $"the server rejected our request due to an error in our request: testing value {path} failed");
                    }

                    break;
                default:
                    throw ApiException.BadRequest($"json patch operation {i}: unknown op \"{kind}\"; use add, remove, replace, move, copy or test");
            }
        }

        return doc;
    }

    private static List<string> Split(string path)
    {
        if (path.Length == 0)
        {
            return [];
        }

        if (path[0] != '/')
        {
            throw ApiException.BadRequest($"json patch path \"{path}\" must start with /");
        }

        return path[1..].Split('/').Select(p => p.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToList();
    }

    private static JsonNode? Resolve(JsonNode? doc, string path)
    {
        var node = doc;
        foreach (var part in Split(path))
        {
            node = node switch
            {
                JsonObject obj when obj.TryGetPropertyValue(part, out var child) => child,
                JsonArray array when int.TryParse(part, out var index) && index >= 0 && index < array.Count => array[index],
                _ => throw new ApiException(422, "Invalid", $"the server rejected our request due to an error in our request: jsonpatch path \"{path}\" does not exist"),
            };
        }

        return node;
    }

    private static JsonNode? Add(JsonNode? doc, string path, JsonNode? value)
    {
        var parts = Split(path);
        if (parts.Count == 0)
        {
            return value;
        }

        var parent = parts.Count == 1 ? doc : Resolve(doc, "/" + string.Join('/', parts.Take(parts.Count - 1).Select(Escape)));
        var last = parts[^1];
        switch (parent)
        {
            case JsonObject obj:
                obj.Remove(last);
                obj[last] = value;
                break;
            case JsonArray array:
                if (last == "-")
                {
                    array.Add(value);
                }
                else if (int.TryParse(last, out var index) && index >= 0 && index <= array.Count)
                {
                    array.Insert(index, value);
                }
                else
                {
                    throw new ApiException(422, "Invalid", $"the server rejected our request due to an error in our request: index {last} out of bounds in \"{path}\"");
                }

                break;
            default:
                throw new ApiException(422, "Invalid", $"the server rejected our request due to an error in our request: doc is missing path: \"{path}\"");
        }

        return doc;
    }

    private static JsonNode? Remove(JsonNode? doc, string path, out JsonNode? removed)
    {
        var parts = Split(path);
        var parent = parts.Count == 1 ? doc : Resolve(doc, "/" + string.Join('/', parts.Take(parts.Count - 1).Select(Escape)));
        var last = parts[^1];
        switch (parent)
        {
            case JsonObject obj when obj.ContainsKey(last):
                removed = obj[last];
                obj.Remove(last);
                return doc;
            case JsonArray array when int.TryParse(last, out var index) && index >= 0 && index < array.Count:
                removed = array[index];
                array.RemoveAt(index);
                return doc;
            default:
                throw new ApiException(422, "Invalid", $"the server rejected our request due to an error in our request: unable to remove nonexistent key: {last}: missing value");
        }
    }

    private static string Escape(string part) => part.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}
