using System.Reflection;
using System.Text.Json;
using Flywheel.Operator.Api.Schema;
using k8s.Models;

namespace Flywheel.Operator.Crds;

/// <summary>Applies a property's validation attributes to its schema.</summary>
internal static class PropertyAttributes
{
    public static void Apply(V1JSONSchemaProps schema, PropertyInfo property)
    {
        var where = $"{property.DeclaringType?.Name}.{property.Name}";
        foreach (var attribute in property.GetCustomAttributes())
        {
            switch (attribute)
            {
                case MinimumAttribute min:
                    schema.Minimum = min.Value;
                    schema.ExclusiveMinimum = min.Exclusive ? true : null;
                    break;
                case MaximumAttribute max:
                    schema.Maximum = max.Value;
                    schema.ExclusiveMaximum = max.Exclusive ? true : null;
                    break;
                case PatternAttribute pattern:
                    schema.Pattern = pattern.Regex;
                    break;
                case LengthAttribute length:
                    schema.MinLength = length.Min > 0 ? length.Min : null;
                    schema.MaxLength = length.Max >= 0 ? length.Max : null;
                    break;
                case ItemsAttribute items when schema.Type == "array":
                    schema.MinItems = items.Min > 0 ? items.Min : null;
                    schema.MaxItems = items.Max >= 0 ? items.Max : null;
                    break;
                case ItemsAttribute items when schema.Type == "object":
                    schema.MinProperties = items.Min > 0 ? items.Min : null;
                    schema.MaxProperties = items.Max >= 0 ? items.Max : null;
                    break;
                case ItemsAttribute:
                    throw new InvalidOperationException($"{where}: [Items] applies to lists and dictionaries only");
                case DefaultAttribute value:
                    schema.DefaultProperty = SchemaGenerator.ToSchemaValue(value.Value);
                    break;
                case DefaultJsonAttribute json:
                    using (var document = JsonDocument.Parse(json.Json))
                    {
                        schema.DefaultProperty = SchemaGenerator.FromJson(document.RootElement);
                    }

                    break;
                case FormatAttribute format:
                    schema.Format = format.Format;
                    break;
                case PreserveUnknownFieldsAttribute:
                    schema.XKubernetesPreserveUnknownFields = true;
                    break;
                case ListSetAttribute when schema.Type == "array":
                    schema.XKubernetesListType = "set";
                    break;
                case ListMapAttribute map when schema.Type == "array":
                    ApplyListMap(schema, map, where);
                    break;
                case ListSetAttribute or ListMapAttribute:
                    throw new InvalidOperationException($"{where}: list types apply to lists only");
            }
        }
    }

    private static void ApplyListMap(V1JSONSchemaProps schema, ListMapAttribute map, string where)
    {
        // The API server rejects a map list whose keys are optional: an item without its key could not be merged.
        var item = (V1JSONSchemaProps)schema.Items;
        foreach (var key in map.Keys)
        {
            if (item.Required?.Contains(key) != true)
            {
                throw new InvalidOperationException($"{where}: list-map key '{key}' must be a [Required] property of the item type");
            }
        }

        schema.XKubernetesListType = "map";
        schema.XKubernetesListMapKeys = [.. map.Keys];
    }
}
