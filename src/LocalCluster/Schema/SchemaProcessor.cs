using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Flywheel.ApiServer.Schema;

/// <summary>
/// Applies a structural schema to an object in the order the API server does: drop unknown fields and
/// non-nullable nulls, fill defaults, then validate. Returns the pruned field paths (for fieldValidation)
/// and the violations.
/// </summary>
internal static class SchemaProcessor
{
    private static readonly HashSet<string> RootFields = ["apiVersion", "kind", "metadata"];

    public static (List<string> Pruned, List<FieldError> Errors) Process(JsonObject obj, StructuralSchema schema)
    {
        var pruned = new List<string>();
        var errors = new List<FieldError>();
        PruneAndDefault(obj, schema, string.Empty, pruned, isRoot: true);
        Validate(obj, schema, string.Empty, errors, isRoot: true);
        return (pruned, errors);
    }

    private static void PruneAndDefault(JsonNode? node, StructuralSchema schema, string path, List<string> pruned, bool isRoot = false)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj.ToList())
                {
                    if (isRoot && RootFields.Contains(name))
                    {
                        continue;
                    }

                    var childPath = Join(path, name);
                    if (schema.Properties.TryGetValue(name, out var property))
                    {
                        if (child is null && !property.Nullable)
                        {
                            obj.Remove(name);
                            continue;
                        }

                        PruneAndDefault(child, property, childPath, pruned);
                    }
                    else if (schema.AdditionalProperties is { } additional)
                    {
                        PruneAndDefault(child, additional, childPath, pruned);
                    }
                    else if (!schema.PreserveUnknownFields && !schema.AdditionalPropertiesAllowed && !(schema.EmbeddedResource && RootFields.Contains(name)))
                    {
                        obj.Remove(name);
                        pruned.Add(childPath);
                    }
                }

                foreach (var (name, property) in schema.Properties)
                {
                    if (!obj.ContainsKey(name) && property.Default is { } value)
                    {
                        var filled = value.DeepClone();
                        obj[name] = filled;
                        PruneAndDefault(filled, property, Join(path, name), pruned);
                    }
                }

                break;
            case JsonArray array when schema.Items is { } items:
                for (var i = 0; i < array.Count; i++)
                {
                    PruneAndDefault(array[i], items, $"{path}[{i}]", pruned);
                }

                break;
        }
    }

    private static void Validate(JsonNode? node, StructuralSchema schema, string path, List<FieldError> errors, bool isRoot = false)
    {
        var field = path.Length == 0 ? "<root>" : path;
        if (node is null)
        {
            if (!schema.Nullable && schema.Type is not null)
            {
                errors.Add(FieldError.TypeInvalid(field, null, $"{field} in body must be of type {schema.Type}: \"null\""));
            }

            return;
        }

        if (!CheckType(node, schema, field, errors))
        {
            return;
        }

        if (schema.Enum is { Count: > 0 } allowed && !allowed.Any(a => JsonNode.DeepEquals(a, node)))
        {
            errors.Add(FieldError.NotSupported(field, node, allowed));
        }

        switch (node)
        {
            case JsonObject obj:
                ValidateObject(obj, schema, path, errors, isRoot);
                break;
            case JsonArray array:
                ValidateArray(array, schema, path, field, errors);
                CelRules.Evaluate(array, schema, field, errors);
                break;
            case JsonValue value:
                ValidateScalar(value, schema, field, errors);
                CelRules.Evaluate(value, schema, field, errors);
                break;
        }
    }

    private static void ValidateObject(JsonObject obj, StructuralSchema schema, string path, List<FieldError> errors, bool isRoot)
    {
        foreach (var required in schema.Required)
        {
            if (!obj.ContainsKey(required) && !(isRoot && RootFields.Contains(required)))
            {
                errors.Add(FieldError.Required(Join(path, required)));
            }
        }

        if (schema.MinProperties is { } minProperties && obj.Count < minProperties)
        {
            errors.Add(FieldError.Invalid(Field(path), obj, $"{Field(path)} in body should have at least {minProperties} properties"));
        }

        if (schema.MaxProperties is { } maxProperties && obj.Count > maxProperties)
        {
            errors.Add(FieldError.Invalid(Field(path), obj, $"{Field(path)} in body should have at most {maxProperties} properties"));
        }

        foreach (var (name, child) in obj)
        {
            if (isRoot && RootFields.Contains(name))
            {
                continue;
            }

            if (schema.Properties.TryGetValue(name, out var property))
            {
                Validate(child, property, Join(path, name), errors);
            }
            else if (schema.AdditionalProperties is { } additional)
            {
                Validate(child, additional, Join(path, name), errors);
            }
        }

        CelRules.Evaluate(obj, schema, Field(path), errors);
    }

    private static void ValidateArray(JsonArray array, StructuralSchema schema, string path, string field, List<FieldError> errors)
    {
        if (schema.MinItems is { } minItems && array.Count < minItems)
        {
            errors.Add(FieldError.Invalid(field, JsonValue.Create(array.Count), $"{field} in body should have at least {minItems} items"));
        }

        if (schema.MaxItems is { } maxItems && array.Count > maxItems)
        {
            errors.Add(new FieldError(field, "FieldValueTooMany", $"Too many: {array.Count}: must have at most {maxItems} items"));
        }

        if (schema.Items is { } items)
        {
            for (var i = 0; i < array.Count; i++)
            {
                Validate(array[i], items, $"{path}[{i}]", errors);
            }
        }

        if (schema.ListType == "map" && schema.ListMapKeys.Count > 0)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < array.Count; i++)
            {
                var key = string.Join("|", schema.ListMapKeys.Select(k => array[i]?[k]?.ToJsonString() ?? "null"));
                if (!seen.Add(key))
                {
                    errors.Add(new FieldError($"{path}[{i}]", "FieldValueDuplicate", $"Duplicate value: {{{string.Join(", ", schema.ListMapKeys.Select(k => $"\"{k}\":{array[i]?[k]?.ToJsonString() ?? "null"}"))}}}"));
                }
            }
        }
        else if (schema.ListType == "set")
        {
            for (var i = 0; i < array.Count; i++)
            {
                for (var j = 0; j < i; j++)
                {
                    if (JsonNode.DeepEquals(array[i], array[j]))
                    {
                        errors.Add(new FieldError($"{path}[{i}]", "FieldValueDuplicate", $"Duplicate value: {FieldError.Render(array[i])}"));
                        break;
                    }
                }
            }
        }
    }

    private static void ValidateScalar(JsonValue value, StructuralSchema schema, string field, List<FieldError> errors)
    {
        if (value.TryGetValue<string>(out var text))
        {
            if (schema.MinLength is { } minLength && text.Length < minLength)
            {
                errors.Add(FieldError.Invalid(field, value, $"{field} in body should be at least {minLength} chars long"));
            }

            if (schema.MaxLength is { } maxLength && text.Length > maxLength)
            {
                errors.Add(new FieldError(field, "FieldValueTooLong", $"Too long: may not be more than {maxLength} bytes"));
            }

            if (schema.Pattern is { } pattern && !Regex.IsMatch(text, pattern, RegexOptions.None, TimeSpan.FromSeconds(1)))
            {
                errors.Add(FieldError.Invalid(field, value, $"{field} in body should match '{pattern}'"));
            }

            if (schema.Format is { } format && !Formats.IsValid(format, text))
            {
                errors.Add(FieldError.Invalid(field, value, $"{field} in body must be of type {format}: \"{text}\""));
            }

            return;
        }

        if (value.TryGetValue<double>(out var number))
        {
            if (schema.Minimum is { } minimum && (number < minimum || (schema.ExclusiveMinimum && number <= minimum)))
            {
                var op = schema.ExclusiveMinimum ? "greater than" : "greater than or equal to";
                errors.Add(FieldError.Invalid(field, value, $"{field} in body should be {op} {Format(minimum)}"));
            }

            if (schema.Maximum is { } maximum && (number > maximum || (schema.ExclusiveMaximum && number >= maximum)))
            {
                var op = schema.ExclusiveMaximum ? "less than" : "less than or equal to";
                errors.Add(FieldError.Invalid(field, value, $"{field} in body should be {op} {Format(maximum)}"));
            }

            if (schema.Format == "int32" && (number < int.MinValue || number > int.MaxValue))
            {
                errors.Add(FieldError.Invalid(field, value, $"{field} in body must be of type int32: \"{value.ToJsonString()}\""));
            }
        }
    }

    private static bool CheckType(JsonNode node, StructuralSchema schema, string field, List<FieldError> errors)
    {
        if (schema.IntOrString)
        {
            if (node is JsonValue v && (v.TryGetValue<string>(out _) || IsInteger(v)))
            {
                return true;
            }

            errors.Add(FieldError.TypeInvalid(field, node, $"{field} in body must be of type integer,string: \"{TypeName(node)}\""));
            return false;
        }

        var ok = schema.Type switch
        {
            null => true,
            "object" => node is JsonObject,
            "array" => node is JsonArray,
            "string" => node is JsonValue s && s.TryGetValue<string>(out _),
            "boolean" => node is JsonValue b && b.TryGetValue<bool>(out _),
            "integer" => node is JsonValue i && IsInteger(i),
            "number" => node is JsonValue n && n.TryGetValue<double>(out _) && !n.TryGetValue<string>(out _),
            _ => true,
        };
        if (!ok)
        {
            errors.Add(FieldError.TypeInvalid(field, node, $"{field} in body must be of type {schema.Type}: \"{TypeName(node)}\""));
        }

        return ok;
    }

    private static bool IsInteger(JsonValue value) =>
        value.TryGetValue<long>(out _) || (value.TryGetValue<double>(out var d) && !value.TryGetValue<string>(out _) && Math.Floor(d) == d && !double.IsInfinity(d));

    private static string TypeName(JsonNode node) => node switch
    {
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v when v.TryGetValue<string>(out _) => "string",
        JsonValue v when v.TryGetValue<bool>(out _) => "boolean",
        JsonValue v when IsInteger(v) => "integer",
        _ => "number",
    };

    private static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private static string Field(string path) => path.Length == 0 ? "<root>" : path;
}
