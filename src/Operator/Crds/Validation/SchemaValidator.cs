using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using k8s.Models;

namespace Flywheel.Operator.Crds.Validation;

/// <summary>
/// Checks a JSON value against a structural CRD schema the way the API server does at admission:
/// defaults are filled in first, then types, required fields, enums, bounds, patterns, unknown
/// fields, and finally the CEL rules (<see cref="CelRuleEvaluator"/>).
/// </summary>
public sealed class SchemaValidator(CelRuleEvaluator cel)
{
    public IReadOnlyList<FieldError> Validate(JsonNode? value, V1JSONSchemaProps schema, string path)
    {
        var errors = new List<FieldError>();
        Walk(value, schema, path, errors);
        return errors;
    }

    /// <summary>Fills absent properties that have a default, recursively, as the API server does before validating.</summary>
    public static void ApplyDefaults(JsonNode? value, V1JSONSchemaProps schema)
    {
        switch (value)
        {
            case JsonObject obj when schema.Properties is not null:
                foreach (var (name, property) in schema.Properties)
                {
                    if (!obj.ContainsKey(name) && property.DefaultProperty is not null)
                    {
                        obj[name] = JsonSerializer.SerializeToNode(property.DefaultProperty);
                    }

                    ApplyDefaults(obj[name], property);
                }

                break;
            case JsonObject obj when schema.AdditionalProperties is V1JSONSchemaProps values:
                foreach (var (_, item) in obj)
                {
                    ApplyDefaults(item, values);
                }

                break;
            case JsonArray array when schema.Items is V1JSONSchemaProps items:
                foreach (var item in array)
                {
                    ApplyDefaults(item, items);
                }

                break;
        }
    }

    private void Walk(JsonNode? value, V1JSONSchemaProps schema, string path, List<FieldError> errors)
    {
        if (value is null)
        {
            if (schema.Nullable != true)
            {
                errors.Add(new FieldError(path, $"Invalid value: \"null\": {path} in body must be of type {schema.Type ?? "object"}: \"null\""));
            }

            return;
        }

        var before = errors.Count;
        if (!CheckType(value, schema, path, errors))
        {
            return;
        }

        CheckValue(value, schema, path, errors);
        switch (value)
        {
            case JsonObject obj:
                WalkObject(obj, schema, path, errors);
                break;
            case JsonArray array when schema.Items is V1JSONSchemaProps items:
                for (var i = 0; i < array.Count; i++)
                {
                    Walk(array[i], items, $"{path}[{i}]", errors);
                }

                break;
        }

        // The API server runs CEL rules only on values that passed the schema, so a rule never sees a mistyped field.
        if (errors.Count == before && schema.XKubernetesValidations is { Count: > 0 } rules)
        {
            errors.AddRange(cel.Evaluate(value, schema, rules, path));
        }
    }

    private void WalkObject(JsonObject obj, V1JSONSchemaProps schema, string path, List<FieldError> errors)
    {
        foreach (var name in schema.Required ?? [])
        {
            if (!obj.ContainsKey(name))
            {
                errors.Add(new FieldError(Join(path, name), "Required value"));
            }
        }

        foreach (var (name, item) in obj)
        {
            if (schema.Properties?.TryGetValue(name, out var property) == true)
            {
                Walk(item, property, Join(path, name), errors);
            }
            else if (schema.AdditionalProperties is V1JSONSchemaProps values)
            {
                Walk(item, values, Join(path, name), errors);
            }
            else if (schema.XKubernetesPreserveUnknownFields != true && schema.Properties is not null)
            {
                errors.Add(new FieldError(Join(path, name), "unknown field; check the spelling against `kubectl explain`"));
            }
        }
    }

    private static bool CheckType(JsonNode value, V1JSONSchemaProps schema, string path, List<FieldError> errors)
    {
        var kind = value.GetValueKind();
        if (schema.XKubernetesIntOrString == true)
        {
            if (kind == JsonValueKind.String || IsInteger(value))
            {
                return true;
            }

            errors.Add(new FieldError(path, $"Invalid value: {Show(value)}: {path} in body must be of type integer or string"));
            return false;
        }

        var ok = schema.Type switch
        {
            null => true,
            "object" => kind == JsonValueKind.Object,
            "array" => kind == JsonValueKind.Array,
            "string" => kind == JsonValueKind.String,
            "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
            "integer" => IsInteger(value),
            "number" => kind == JsonValueKind.Number,
            _ => false,
        };
        if (!ok)
        {
            errors.Add(new FieldError(path, $"Invalid value: {Show(value)}: {path} in body must be of type {schema.Type}: \"{TypeName(kind)}\""));
        }

        return ok;
    }

    private static void CheckValue(JsonNode value, V1JSONSchemaProps schema, string path, List<FieldError> errors)
    {
        if (schema.EnumProperty is { Count: > 0 } allowed)
        {
            var text = value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();
            if (!allowed.Any(a => string.Equals(Convert.ToString(a, CultureInfo.InvariantCulture), text, StringComparison.Ordinal)))
            {
                errors.Add(new FieldError(path, $"Unsupported value: {Show(value)}: supported values: {string.Join(", ", allowed.Select(a => $"\"{a}\""))}"));
            }
        }

        if (value.GetValueKind() == JsonValueKind.Number)
        {
            var number = JsonNumbers.ToDouble(value);
            if (schema.Minimum is { } min && (schema.ExclusiveMinimum == true ? number <= min : number < min))
            {
                var relation = schema.ExclusiveMinimum == true ? "greater than" : "greater than or equal to";
                errors.Add(new FieldError(path, $"Invalid value: {Show(value)}: {path} in body should be {relation} {Format(min)}"));
            }

            if (schema.Maximum is { } max && (schema.ExclusiveMaximum == true ? number >= max : number > max))
            {
                var relation = schema.ExclusiveMaximum == true ? "less than" : "less than or equal to";
                errors.Add(new FieldError(path, $"Invalid value: {Show(value)}: {path} in body should be {relation} {Format(max)}"));
            }
        }

        if (value.GetValueKind() == JsonValueKind.String)
        {
            var text = value.GetValue<string>();
            if (schema.MinLength is { } minLength && text.Length < minLength)
            {
                errors.Add(new FieldError(path, $"Invalid value: {Show(value)}: {path} in body should be at least {minLength} chars long"));
            }

            if (schema.MaxLength is { } maxLength && text.Length > maxLength)
            {
                errors.Add(new FieldError(path, $"Too long: may not be more than {maxLength} bytes"));
            }

            if (schema.Pattern is { } pattern && !Regex.IsMatch(text, pattern, RegexOptions.ECMAScript, TimeSpan.FromSeconds(1)))
            {
                errors.Add(new FieldError(path, $"Invalid value: {Show(value)}: {path} in body should match '{pattern}'"));
            }
        }

        if (value is JsonArray array)
        {
            if (schema.MinItems is { } minItems && array.Count < minItems)
            {
                errors.Add(new FieldError(path, $"Invalid value: {array.Count}: {path} in body should have at least {minItems} items"));
            }

            if (schema.MaxItems is { } maxItems && array.Count > maxItems)
            {
                errors.Add(new FieldError(path, $"Too many: {array.Count}: must have at most {maxItems} items"));
            }

            CheckListKeys(array, schema, path, errors);
        }

        if (value is JsonObject obj && schema.MaxProperties is { } maxProperties && obj.Count > maxProperties)
        {
            errors.Add(new FieldError(path, $"Too many: {obj.Count}: must have at most {maxProperties} items"));
        }
    }

    private static void CheckListKeys(JsonArray array, V1JSONSchemaProps schema, string path, List<FieldError> errors)
    {
        var keys = schema.XKubernetesListType switch
        {
            "map" => schema.XKubernetesListMapKeys ?? [],
            "set" => null,
            _ => [],
        };
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < array.Count; i++)
        {
            var identity = keys is null
                ? array[i]?.ToJsonString()
                : keys.Count == 0 ? null : string.Join("/", keys.Select(k => (array[i] as JsonObject)?[k]?.ToJsonString()));
            if (identity is not null && !seen.Add(identity))
            {
                errors.Add(new FieldError($"{path}[{i}]", $"Duplicate value: {identity}"));
            }
        }
    }

    private static bool IsInteger(JsonNode value) =>
        value.GetValueKind() == JsonValueKind.Number && JsonNumbers.ToDouble(value) is var d && Math.Floor(d) == d && !double.IsInfinity(d);

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private static string Show(JsonNode value) => value.GetValueKind() switch
    {
        JsonValueKind.Object => "\"object\"",
        JsonValueKind.Array => "\"array\"",
        _ => value.ToJsonString(),
    };

    private static string TypeName(JsonValueKind kind) => kind switch
    {
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => kind.ToString().ToLowerInvariant(),
    };

    private static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}
