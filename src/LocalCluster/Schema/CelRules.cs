using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cel;

namespace Flywheel.ApiServer.Schema;

/// <summary>
/// <c>x-kubernetes-validations</c>: each rule is compiled once by the Cel package and run with <c>self</c>
/// bound to the value, typed by the schema (integer fields as int, number fields as double). Transition
/// rules (those that read <c>oldSelf</c>) are not evaluated.
/// </summary>
internal static class CelRules
{
    private static readonly CelEnvironment Environment = new(null, null);
    private static readonly ConcurrentDictionary<string, CelProgramDelegate?> Programs = new(StringComparer.Ordinal);

    public static void Evaluate(JsonNode self, StructuralSchema schema, string field, List<FieldError> errors)
    {
        if (schema.Rules.Count == 0)
        {
            return;
        }

        var value = ToCel(self, schema);
        foreach (var rule in schema.Rules)
        {
            if (rule.Rule.Contains("oldSelf", StringComparison.Ordinal))
            {
                continue;
            }

            var target = rule.FieldPath is { Length: > 0 } fieldPath ? (field == "<root>" ? fieldPath.TrimStart('.') : field + fieldPath) : field;
            string? failure;
            try
            {
                var program = Programs.GetOrAdd(rule.Rule, r => Environment.Compile(r));
                var result = program!(new Dictionary<string, object?>(StringComparer.Ordinal) { ["self"] = value });
                failure = result is true ? null : rule.Message ?? $"failed rule: {rule.Rule}";
            }
            catch (CelException e)
            {
                failure = $"{e.Message} evaluating rule: {rule.Rule}";
            }

            if (failure is not null)
            {
                errors.Add(FieldError.Invalid(target, self, failure));
            }
        }
    }

    private static object? ToCel(JsonNode? node, StructuralSchema? schema)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonObject obj:
                var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var (name, item) in obj)
                {
                    map[name] = ToCel(item, schema?.Properties.GetValueOrDefault(name) ?? schema?.AdditionalProperties);
                }

                return map;
            case JsonArray array:
                return array.Select(item => ToCel(item, schema?.Items)).ToList();
        }

        var value = (JsonValue)node;
        return value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number when schema?.Type == "number" => value.GetValue<double>(),
            JsonValueKind.Number => value.TryGetValue<long>(out var whole) ? whole : value.GetValue<double>(),
            _ => null,
        };
    }
}
