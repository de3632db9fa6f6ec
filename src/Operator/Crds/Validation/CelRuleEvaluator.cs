using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cel;
using k8s.Models;

namespace Flywheel.Operator.Crds.Validation;

/// <summary>
/// Evaluates a schema's <c>x-kubernetes-validations</c> CEL rules with <c>self</c> bound to the value,
/// typed by the schema as the API server types it (integer fields are int, number fields double).
/// Transition rules (those that read <c>oldSelf</c>) apply only to updates and are skipped here.
/// </summary>
public sealed class CelRuleEvaluator
{
    private readonly CelEnvironment _environment = new(null, null);
    private readonly ConcurrentDictionary<string, CelProgramDelegate> _programs = new(StringComparer.Ordinal);

    /// <summary>Compiles a rule; throws <see cref="CelException"/> naming the problem when it does not parse.</summary>
    public CelProgramDelegate Compile(string rule) => _programs.GetOrAdd(rule, r => _environment.Compile(r));

    /// <summary>True for rules that compare with the stored object and so run only on update.</summary>
    public static bool IsTransitionRule(string rule) => rule.Contains("oldSelf", StringComparison.Ordinal);

    public IEnumerable<FieldError> Evaluate(JsonNode value, V1JSONSchemaProps schema, IEnumerable<V1ValidationRule> rules, string path)
    {
        var self = ToCel(value, schema);
        foreach (var rule in rules)
        {
            if (IsTransitionRule(rule.Rule))
            {
                continue;
            }

            var where = string.IsNullOrEmpty(rule.FieldPath) ? path : path + rule.FieldPath;
            string? failure;
            try
            {
                var result = Compile(rule.Rule)(new Dictionary<string, object?>(StringComparer.Ordinal) { ["self"] = self });
                failure = result is true ? null : rule.Message ?? $"failed rule: {rule.Rule}";
            }
            catch (CelException ex)
            {
                failure = $"{ex.Message} evaluating rule: {rule.Rule}";
            }

            if (failure is not null)
            {
                yield return new FieldError(where, $"Invalid value: \"{TypeName(value)}\": {failure}");
            }
        }
    }

    /// <summary>The CEL value of a JSON node: maps, lists, int (long), double, string, bool.</summary>
    public static object? ToCel(JsonNode? node, V1JSONSchemaProps? schema)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonObject obj:
                var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var (name, item) in obj)
                {
                    var property = schema?.Properties is { } declared && declared.TryGetValue(name, out var known)
                        ? known
                        : schema?.AdditionalProperties as V1JSONSchemaProps;
                    map[name] = ToCel(item, property);
                }

                return map;
            case JsonArray array:
                return array.Select(item => ToCel(item, schema?.Items as V1JSONSchemaProps)).ToList();
        }

        return node.GetValueKind() switch
        {
            JsonValueKind.String => node.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number when schema?.Type == "number" => JsonNumbers.ToDouble(node),
            JsonValueKind.Number => JsonNumbers.ToInteger(node) is { } whole ? whole : JsonNumbers.ToDouble(node),
            _ => null,
        };
    }

    private static string TypeName(JsonNode value) => value.GetValueKind() switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        _ => value.ToJsonString().Trim('"'),
    };
}
