using System.Text.Json.Nodes;

namespace Flywheel.ApiServer.Schema;

/// <summary>
/// <c>x-kubernetes-validations</c> rules. Evaluated: the rule shapes listed in <see cref="CelSubset"/>;
/// a rule outside that subset is accepted unchecked (the API server would check it).
/// </summary>
internal static class CelRules
{
    public static void Evaluate(JsonObject self, StructuralSchema schema, string field, List<FieldError> errors)
    {
        foreach (var rule in schema.Rules)
        {
            if (CelSubset.TryEvaluate(rule.Rule, self, out var passed) && !passed)
            {
                var target = rule.FieldPath is { Length: > 0 } fieldPath ? (field == "<root>" ? fieldPath.TrimStart('.') : field + fieldPath) : field;
                errors.Add(FieldError.Invalid(target, self, rule.Message ?? $"failed rule: {rule.Rule}"));
            }
        }
    }
}
