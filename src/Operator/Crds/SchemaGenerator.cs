using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Flywheel.Operator.Api.Schema;
using k8s.Models;

namespace Flywheel.Operator.Crds;

/// <summary>
/// Turns a C# type into a structural OpenAPI v3 schema as the Kubernetes API server expects it:
/// property names as they are serialized, descriptions from the XML docs, validation from the
/// attributes in <see cref="Api.Schema"/>. Properties are sorted by name so that the output is stable.
/// </summary>
internal sealed class SchemaGenerator(XmlDocumentation docs)
{
    /// <summary>The pattern Kubernetes uses for resource quantities (512Mi, 0.5, 2).</summary>
    public const string QuantityPattern =
        "^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$";

    /// <summary>The schema of a value of <paramref name="type"/>, without a description.</summary>
    public V1JSONSchemaProps ForType(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return new V1JSONSchemaProps { Type = "string" };
        }

        if (type == typeof(bool))
        {
            return new V1JSONSchemaProps { Type = "boolean" };
        }

        if (type == typeof(int) || type == typeof(short))
        {
            return new V1JSONSchemaProps { Type = "integer", Format = "int32" };
        }

        if (type == typeof(long))
        {
            return new V1JSONSchemaProps { Type = "integer", Format = "int64" };
        }

        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal))
        {
            return new V1JSONSchemaProps { Type = "number", Format = "double" };
        }

        if (type == typeof(DateTimeOffset) || type == typeof(DateTime))
        {
            return new V1JSONSchemaProps { Type = "string", Format = "date-time" };
        }

        if (type.IsEnum)
        {
            return new V1JSONSchemaProps { Type = "string", EnumProperty = EnumNames(type).Cast<object>().ToList() };
        }

        if (type == typeof(ResourceQuantity))
        {
            return IntOrString(QuantityPattern);
        }

        if (type == typeof(IntOrString))
        {
            return IntOrString(pattern: null);
        }

        if (type == typeof(JsonElement) || type == typeof(JsonNode) || type == typeof(object))
        {
            // Any JSON value: the server keeps it as written.
            return new V1JSONSchemaProps { XKubernetesPreserveUnknownFields = true };
        }

        if (DictionaryValueType(type) is { } valueType)
        {
            return new V1JSONSchemaProps { Type = "object", AdditionalProperties = Described(ForType(valueType), valueType) };
        }

        if (ListItemType(type) is { } itemType)
        {
            return new V1JSONSchemaProps { Type = "array", Items = Described(ForType(itemType), itemType) };
        }

        if (type.IsClass && type != typeof(string))
        {
            return ForObject(type);
        }

        throw new NotSupportedException($"{type} has no CRD schema mapping; use string, bool, int, long, double, DateTimeOffset, an enum, a list, a string-keyed dictionary or a class");
    }

    /// <summary>The wire names of an enum's members, from [JsonStringEnumMemberName].</summary>
    public static IReadOnlyList<string> EnumNames(Type enumType) =>
        enumType.GetFields(BindingFlags.Public | BindingFlags.Static)
            .OrderBy(f => f.MetadataToken)
            .Select(f => f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name
                ?? throw new InvalidOperationException($"{enumType.Name}.{f.Name} needs [JsonStringEnumMemberName] so that its wire name is explicit"))
            .ToList();

    /// <summary>The name a property has in JSON: [JsonPropertyName] or camelCase.</summary>
    public static string JsonName(PropertyInfo property) =>
        property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name);

    /// <summary>The serialized properties of a class, sorted by JSON name.</summary>
    public static IEnumerable<PropertyInfo> SerializedProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.CanRead && p.CanWrite && p.GetCustomAttribute<JsonIgnoreAttribute>() is null)
            .OrderBy(JsonName, StringComparer.Ordinal);

    private V1JSONSchemaProps ForObject(Type type)
    {
        var properties = new Dictionary<string, V1JSONSchemaProps>(StringComparer.Ordinal);
        var required = new List<string>();
        foreach (var property in SerializedProperties(type))
        {
            var name = JsonName(property);
            properties[name] = ForProperty(property);
            if (property.GetCustomAttribute<RequiredAttribute>() is not null)
            {
                required.Add(name);
            }
        }

        var schema = new V1JSONSchemaProps { Type = "object", Properties = properties, Required = required.Count > 0 ? required : null };
        if (type.GetCustomAttribute<PreserveUnknownFieldsAttribute>() is not null)
        {
            schema.XKubernetesPreserveUnknownFields = true;
        }

        AddRules(schema, type.GetCustomAttributes<XValidationAttribute>());
        return schema;
    }

    /// <summary>The schema of one property: its type's schema plus the property's description and validation.</summary>
    public V1JSONSchemaProps ForProperty(PropertyInfo property)
    {
        var schema = ForType(property.PropertyType);
        schema.Description = docs.For(property) ?? TypeDescription(property.PropertyType);
        PropertyAttributes.Apply(schema, property);
        AddRules(schema, property.GetCustomAttributes<XValidationAttribute>());
        return schema;
    }

    private V1JSONSchemaProps Described(V1JSONSchemaProps schema, Type type)
    {
        schema.Description ??= TypeDescription(type);
        return schema;
    }

    private string? TypeDescription(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsEnum || (type.IsClass && type != typeof(string) && ListItemType(type) is null && DictionaryValueType(type) is null)
            ? docs.For(type)
            : null;
    }

    private static void AddRules(V1JSONSchemaProps schema, IEnumerable<XValidationAttribute> rules)
    {
        var list = rules.Select(r => new V1ValidationRule { Rule = r.Rule, Message = r.Message, FieldPath = r.FieldPath }).ToList();
        if (list.Count > 0)
        {
            schema.XKubernetesValidations = [.. schema.XKubernetesValidations ?? [], .. list];
        }
    }

    private static V1JSONSchemaProps IntOrString(string? pattern) => new()
    {
        AnyOf = [new V1JSONSchemaProps { Type = "integer" }, new V1JSONSchemaProps { Type = "string" }],
        Pattern = pattern,
        XKubernetesIntOrString = true,
    };

    internal static Type? DictionaryValueType(Type type)
    {
        var dictionary = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IDictionary<,>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));
        if (dictionary is null)
        {
            return null;
        }

        var args = dictionary.GetGenericArguments();
        return args[0] == typeof(string)
            ? args[1]
            : throw new NotSupportedException($"{type}: only string-keyed dictionaries map to a JSON object");
    }

    internal static Type? ListItemType(Type type)
    {
        if (type == typeof(string))
        {
            return null;
        }

        if (type.IsArray)
        {
            return type.GetElementType();
        }

        var enumerable = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        return enumerable?.GetGenericArguments()[0];
    }

    /// <summary>A default or enum value as the API server stores it.</summary>
    internal static object ToSchemaValue(object value) => value switch
    {
        Enum e => EnumNames(e.GetType())[Array.IndexOf(Enum.GetValues(e.GetType()), e)],
        JsonElement json => FromJson(json),
        IFormattable and not (double or float or decimal) when value.GetType().IsPrimitive => Convert.ToInt64(value, CultureInfo.InvariantCulture),
        _ => value,
    };

    /// <summary>Plain values (dictionaries, lists, numbers, strings, booleans) for a JSON default.</summary>
    internal static object FromJson(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.Object => json.EnumerateObject().ToDictionary(p => p.Name, p => FromJson(p.Value), StringComparer.Ordinal),
        JsonValueKind.Array => json.EnumerateArray().Select(FromJson).ToList(),
        JsonValueKind.String => json.GetString()!,
        JsonValueKind.Number => json.TryGetInt64(out var l) ? (object)l : json.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw new NotSupportedException($"a default cannot be {json.ValueKind}"),
    };
}
