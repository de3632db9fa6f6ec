using Flywheel.Operator.Api.V1Alpha1;
using Flywheel.Operator.Crds;
using Flywheel.Operator.Crds.Validation;
using k8s.Models;

namespace Flywheel.Operator.Tests.Crds;

/// <summary>
/// The rules a real API server applies to a CRD schema before it accepts it (structural schemas,
/// list-map keys, defaults), checked on every node of every generated schema.
/// </summary>
public sealed class StructuralSchemaTests
{
    private static readonly CrdGenerator Generator = CrdGenerator.CreateDefault();

    public static TheoryData<Type> Kinds() => [.. FlywheelApi.Kinds];

    private static IEnumerable<(string Path, V1JSONSchemaProps Schema)> Nodes(V1JSONSchemaProps schema, string path)
    {
        yield return (path, schema);
        foreach (var (name, property) in schema.Properties ?? new Dictionary<string, V1JSONSchemaProps>())
        {
            foreach (var node in Nodes(property, $"{path}.{name}"))
            {
                yield return node;
            }
        }

        if (schema.Items is V1JSONSchemaProps items)
        {
            foreach (var node in Nodes(items, path + "[]"))
            {
                yield return node;
            }
        }

        if (schema.AdditionalProperties is V1JSONSchemaProps values)
        {
            foreach (var node in Nodes(values, path + "{}"))
            {
                yield return node;
            }
        }
    }

    private static List<(string Path, V1JSONSchemaProps Schema)> NodesOf(Type kind) =>
        Nodes(Generator.Generate(kind).Spec.Versions[0].Schema.OpenAPIV3Schema, string.Empty).ToList();

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_node_has_a_type_unless_it_is_int_or_string_or_free_form(Type kind)
    {
        var untyped = NodesOf(kind)
            .Where(n => n.Schema.Type is null && n.Schema.XKubernetesIntOrString != true && n.Schema.XKubernetesPreserveUnknownFields != true)
            .Select(n => n.Path)
            .ToList();

        Assert.Empty(untyped);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void No_refs_and_no_typed_branches_in_logical_junctors(Type kind)
    {
        foreach (var (path, schema) in NodesOf(kind))
        {
            Assert.True(schema.RefProperty is null, $"{path} uses $ref, which structural schemas forbid");
            Assert.True(schema.Properties is null || schema.AdditionalProperties is null, $"{path} sets both properties and additionalProperties");
            Assert.Null(schema.OneOf);
            Assert.Null(schema.AllOf);
            foreach (var branch in schema.AnyOf ?? [])
            {
                // The only anyOf the server accepts with types inside is the int-or-string idiom.
                Assert.True(schema.XKubernetesIntOrString == true && branch.Type is "integer" or "string", $"{path} has an anyOf that is not int-or-string");
                Assert.True(branch.Description is null && branch.DefaultProperty is null, $"{path}: anyOf branches carry no description or default");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_field_is_documented(Type kind)
    {
        var undocumented = NodesOf(kind)
            .Where(n => n.Path.Length > 0 && !n.Path.EndsWith("[]", StringComparison.Ordinal) && !n.Path.EndsWith("{}", StringComparison.Ordinal))
            .Where(n => n.Path != ".metadata" && !n.Path.Contains(".tolerations[]", StringComparison.Ordinal))
            .Where(n => string.IsNullOrWhiteSpace(n.Schema.Description))
            .Select(n => n.Path)
            .ToList();

        Assert.Empty(undocumented);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void List_map_keys_are_required_scalars_of_the_items(Type kind)
    {
        foreach (var (path, schema) in NodesOf(kind).Where(n => n.Schema.XKubernetesListType == "map"))
        {
            var item = (V1JSONSchemaProps)schema.Items;
            Assert.NotEmpty(schema.XKubernetesListMapKeys);
            foreach (var key in schema.XKubernetesListMapKeys)
            {
                Assert.Contains(key, item.Required);
                Assert.Contains(item.Properties[key].Type, new[] { "string", "integer", "boolean" });
                Assert.True(item.Properties[key].DefaultProperty is null, $"{path}: list-map key {key} must not have a default");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Defaults_and_enums_satisfy_their_own_schema(Type kind)
    {
        var validator = new SchemaValidator(new CelRuleEvaluator());
        foreach (var (path, schema) in NodesOf(kind).Where(n => n.Schema.DefaultProperty is not null))
        {
            var value = System.Text.Json.JsonSerializer.SerializeToNode(schema.DefaultProperty);
            var errors = validator.Validate(value, schema, path);
            Assert.True(errors.Count == 0, $"default of {path} is invalid: {string.Join("; ", errors)}");
            if (schema.EnumProperty is { } allowed)
            {
                Assert.Contains(schema.DefaultProperty, allowed);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_cel_rule_compiles_and_has_a_message(Type kind)
    {
        var cel = new CelRuleEvaluator();
        var rules = NodesOf(kind).SelectMany(n => (n.Schema.XKubernetesValidations ?? []).Select(r => (n.Path, Rule: r))).ToList();

        Assert.NotEmpty(rules);
        foreach (var (path, rule) in rules)
        {
            var exception = Record.Exception(() => cel.Compile(rule.Rule));
            Assert.True(exception is null, $"{path}: rule `{rule.Rule}` does not compile: {exception?.Message}");
            Assert.False(string.IsNullOrWhiteSpace(rule.Message), $"{path}: rule `{rule.Rule}` has no message");
            Assert.True(rule.FieldPath is null || rule.FieldPath.StartsWith('.'), $"{path}: fieldPath must start with '.'");
        }
    }
}
