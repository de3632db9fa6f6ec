using System.Text.Json.Nodes;

namespace Flywheel.ApiServer.Http;

/// <summary>
/// The JSONPath subset printer columns and scale paths use: <c>.a.b</c>, <c>.a[0]</c>, <c>.a[*].b</c> and
/// filters <c>.a[?(@.type=="Ready")].status</c>.
/// </summary>
internal static class JsonPathLite
{
    public static List<JsonNode?> Evaluate(JsonNode? root, string path)
    {
        var current = new List<JsonNode?> { root };
        var text = path.Trim().TrimStart('{').TrimEnd('}').Trim();
        if (text.StartsWith('$'))
        {
            text = text[1..];
        }

        var i = 0;
        while (i < text.Length && current.Count > 0)
        {
            if (text[i] == '.')
            {
                i++;
                var start = i;
                while (i < text.Length && text[i] != '.' && text[i] != '[')
                {
                    i++;
                }

                var name = text[start..i];
                if (name.Length == 0)
                {
                    continue;
                }

                current = current.Select(n => n is JsonObject o && o.TryGetPropertyValue(name, out var v) ? v : null)
                    .Where((n, _) => n is not null).ToList();
            }
            else if (text[i] == '[')
            {
                var end = FindClose(text, i);
                var inner = text[(i + 1)..end];
                i = end + 1;
                current = Index(current, inner);
            }
            else
            {
                return [];
            }
        }

        return current;
    }

    public static JsonNode? First(JsonNode? root, string path) => Evaluate(root, path).FirstOrDefault();

    private static int FindClose(string text, int open)
    {
        var depth = 0;
        for (var i = open; i < text.Length; i++)
        {
            if (text[i] == '[')
            {
                depth++;
            }
            else if (text[i] == ']' && --depth == 0)
            {
                return i;
            }
        }

        return text.Length - 1;
    }

    private static List<JsonNode?> Index(List<JsonNode?> nodes, string inner)
    {
        var result = new List<JsonNode?>();
        foreach (var node in nodes)
        {
            if (node is not JsonArray array)
            {
                if (node is JsonObject obj && inner.Trim('\'', '"') is { } key && obj.TryGetPropertyValue(key, out var value))
                {
                    result.Add(value);
                }

                continue;
            }

            if (inner == "*")
            {
                result.AddRange(array);
            }
            else if (int.TryParse(inner, out var index))
            {
                if (index < 0)
                {
                    index += array.Count;
                }

                if (index >= 0 && index < array.Count)
                {
                    result.Add(array[index]);
                }
            }
            else if (inner.StartsWith("?(", StringComparison.Ordinal) && inner.EndsWith(')'))
            {
                result.AddRange(array.Where(item => Filter(item, inner[2..^1])));
            }
        }

        return result;
    }

    private static bool Filter(JsonNode? item, string expression)
    {
        var op = expression.Contains("!=", StringComparison.Ordinal) ? "!=" : "==";
        var parts = expression.Split(op, 2);
        if (parts.Length != 2)
        {
            return Evaluate(item, parts[0].Trim().TrimStart('@')).Count > 0;
        }

        var left = Evaluate(item, parts[0].Trim().TrimStart('@')).FirstOrDefault();
        var right = parts[1].Trim().Trim('"', '\'');
        var actual = left is JsonValue v && v.TryGetValue<string>(out var s) ? s : left?.ToJsonString();
        return (actual == right) == (op == "==");
    }
}
