using System.Text.Json.Nodes;

namespace Flywheel.ApiServer.Schema;

/// <summary>
/// The subset of a CRD version's openAPIV3Schema that the API server enforces: types, formats, required,
/// enum, bounds, patterns, lengths, items, properties, additionalProperties, nullable, defaults and the
/// Kubernetes extensions that change pruning (<c>x-kubernetes-preserve-unknown-fields</c>,
/// <c>x-kubernetes-int-or-string</c>, <c>x-kubernetes-embedded-resource</c>).
/// </summary>
internal sealed class StructuralSchema
{
    public string? Type { get; private init; }

    public string? Format { get; private init; }

    public string? Description { get; private init; }

    public IReadOnlyDictionary<string, StructuralSchema> Properties { get; private init; } = new Dictionary<string, StructuralSchema>();

    public IReadOnlyList<string> Required { get; private init; } = [];

    public StructuralSchema? Items { get; private init; }

    public StructuralSchema? AdditionalProperties { get; private init; }

    /// <summary>additionalProperties: true keeps every key unvalidated.</summary>
    public bool AdditionalPropertiesAllowed { get; private init; }

    public IReadOnlyList<JsonNode?>? Enum { get; private init; }

    public double? Minimum { get; private init; }

    public double? Maximum { get; private init; }

    public bool ExclusiveMinimum { get; private init; }

    public bool ExclusiveMaximum { get; private init; }

    public long? MinLength { get; private init; }

    public long? MaxLength { get; private init; }

    public long? MinItems { get; private init; }

    public long? MaxItems { get; private init; }

    public long? MinProperties { get; private init; }

    public long? MaxProperties { get; private init; }

    public string? Pattern { get; private init; }

    public bool Nullable { get; private init; }

    public JsonNode? Default { get; private init; }

    public bool PreserveUnknownFields { get; private init; }

    public bool IntOrString { get; private init; }

    public bool EmbeddedResource { get; private init; }

    /// <summary><c>x-kubernetes-list-type</c>: atomic (default), set or map.</summary>
    public string? ListType { get; private init; }

    public IReadOnlyList<string> ListMapKeys { get; private init; } = [];

    /// <summary>The rules of <c>x-kubernetes-validations</c> (CEL), kept for evaluation where supported.</summary>
    public IReadOnlyList<ValidationRule> Rules { get; private init; } = [];

    /// <summary>The schema exactly as the CRD gave it, for OpenAPI publishing.</summary>
    public JsonObject Source { get; private init; } = [];

    public static StructuralSchema Parse(JsonObject node)
    {
        var properties = new Dictionary<string, StructuralSchema>(StringComparer.Ordinal);
        if (node["properties"] is JsonObject props)
        {
            foreach (var (name, child) in props)
            {
                if (child is JsonObject childObject)
                {
                    properties[name] = Parse(childObject);
                }
            }
        }

        StructuralSchema? additional = null;
        var additionalAllowed = false;
        switch (node["additionalProperties"])
        {
            case JsonObject additionalObject:
                additional = Parse(additionalObject);
                break;
            case JsonValue value when value.TryGetValue<bool>(out var allowed):
                additionalAllowed = allowed;
                break;
        }

        var rules = new List<ValidationRule>();
        if (node["x-kubernetes-validations"] is JsonArray validations)
        {
            foreach (var rule in validations.OfType<JsonObject>())
            {
                rules.Add(new ValidationRule(
                    (string?)rule["rule"] ?? string.Empty,
                    (string?)rule["message"],
                    (string?)rule["messageExpression"],
                    (string?)rule["fieldPath"],
                    (string?)rule["reason"]));
            }
        }

        return new StructuralSchema
        {
            Type = (string?)node["type"],
            Format = (string?)node["format"],
            Description = (string?)node["description"],
            Properties = properties,
            Required = node["required"] is JsonArray required ? required.Select(r => (string?)r ?? string.Empty).ToList() : [],
            Items = node["items"] is JsonObject items ? Parse(items) : null,
            AdditionalProperties = additional,
            AdditionalPropertiesAllowed = additionalAllowed,
            Enum = node["enum"] is JsonArray values ? values.Select(v => v?.DeepClone()).ToList() : null,
            Minimum = Number(node["minimum"]),
            Maximum = Number(node["maximum"]),
            ExclusiveMinimum = Flag(node["exclusiveMinimum"]),
            ExclusiveMaximum = Flag(node["exclusiveMaximum"]),
            MinLength = Whole(node["minLength"]),
            MaxLength = Whole(node["maxLength"]),
            MinItems = Whole(node["minItems"]),
            MaxItems = Whole(node["maxItems"]),
            MinProperties = Whole(node["minProperties"]),
            MaxProperties = Whole(node["maxProperties"]),
            Pattern = (string?)node["pattern"],
            Nullable = Flag(node["nullable"]),
            Default = node["default"]?.DeepClone(),
            PreserveUnknownFields = Flag(node["x-kubernetes-preserve-unknown-fields"]),
            IntOrString = Flag(node["x-kubernetes-int-or-string"]),
            EmbeddedResource = Flag(node["x-kubernetes-embedded-resource"]),
            ListType = (string?)node["x-kubernetes-list-type"],
            ListMapKeys = node["x-kubernetes-list-map-keys"] is JsonArray keys ? keys.Select(k => (string?)k ?? string.Empty).ToList() : [],
            Rules = rules,
            Source = (JsonObject)node.DeepClone(),
        };
    }

    private static bool Flag(JsonNode? node) => node is JsonValue value && value.TryGetValue<bool>(out var flag) && flag;

    private static double? Number(JsonNode? node) => node is JsonValue value && value.TryGetValue<double>(out var number) ? number : null;

    private static long? Whole(JsonNode? node) => node is JsonValue value && value.TryGetValue<long>(out var number) ? number : null;
}

/// <summary>One <c>x-kubernetes-validations</c> entry.</summary>
internal sealed record ValidationRule(string Rule, string? Message, string? MessageExpression, string? FieldPath, string? Reason);
