using System.Text.Json.Nodes;
using Flywheel.ApiServer.Storage;

namespace Flywheel.ApiServer.Semantics;

/// <summary>
/// A parsed <c>fieldSelector</c> (=, ==, != joined by commas). <c>metadata.name</c> and <c>metadata.namespace</c>
/// are read without parsing the object; any other dotted path (<c>involvedObject.name</c>, <c>status.phase</c>,
/// <c>spec.nodeName</c>) is looked up in the object, a missing field reading as the empty string.
/// </summary>
internal sealed class FieldSelector
{
    private readonly List<(string Field, string Value, bool Equal)> _terms;
    private readonly bool _metadataOnly;

    private FieldSelector(List<(string Field, string Value, bool Equal)> terms)
    {
        _terms = terms;
        _metadataOnly = terms.TrueForAll(t => t.Field is "metadata.name" or "metadata.namespace");
    }

    public static FieldSelector Everything { get; } = new([]);

    public bool Matches(StoredObject obj)
    {
        if (_terms.Count == 0)
        {
            return true;
        }

        var parsed = _metadataOnly ? null : JsonNode.Parse(obj.Json);
        return _terms.TrueForAll(t => (ValueOf(t.Field, obj, parsed) == t.Value) == t.Equal);
    }

    private static string ValueOf(string field, StoredObject obj, JsonNode? parsed)
    {
        switch (field)
        {
            case "metadata.name":
                return obj.Name;
            case "metadata.namespace":
                return obj.Namespace;
        }

        JsonNode? node = parsed;
        foreach (var part in field.Split('.'))
        {
            node = node is JsonObject o ? o[part] : null;
        }

        return node switch
        {
            null => string.Empty,
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            _ => node.ToJsonString(),
        };
    }

    public static FieldSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var terms = new List<(string, string, bool)>();
        foreach (var raw in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var notEqual = raw.IndexOf("!=", StringComparison.Ordinal);
            var equal = raw.IndexOf('=', StringComparison.Ordinal);
            string field;
            string value;
            bool isEqual;
            if (notEqual > 0)
            {
                (field, value, isEqual) = (raw[..notEqual], raw[(notEqual + 2)..], false);
            }
            else if (equal > 0)
            {
                (field, value, isEqual) = (raw[..equal], raw[(equal + 1)..].TrimStart('='), true);
            }
            else
            {
                throw new FormatException($"invalid field selector '{raw}': expected <field>=<value>, <field>==<value> or <field>!=<value>");
            }

            field = field.Trim();
            if (field.Length == 0 || field.Split('.').Any(p => p.Length == 0))
            {
                throw new FormatException($"invalid field selector '{raw}': the field must be a dotted path such as metadata.name");
            }

            terms.Add((field, value.Trim(), isEqual));
        }

        return new FieldSelector(terms);
    }
}
