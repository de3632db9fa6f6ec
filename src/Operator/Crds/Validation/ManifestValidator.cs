using System.Text.Json.Nodes;
using Flywheel.Operator.Api.V1Alpha1;
using k8s.Models;

namespace Flywheel.Operator.Crds.Validation;

/// <summary>The outcome for one object of a manifest.</summary>
public sealed record ManifestResult(string Kind, string Name, bool Checked, IReadOnlyList<FieldError> Errors)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>
/// Validates Flywheel objects offline against the CRDs generated from the API types, with the
/// API server's admission steps (defaulting, schema, CEL rules), so that a manifest can be checked
/// in CI before it reaches a cluster. Objects of other kinds are reported as not checked.
/// </summary>
public sealed class ManifestValidator
{
    private readonly Dictionary<string, V1CustomResourceDefinition> _byKind;
    private readonly SchemaValidator _schema;

    public ManifestValidator(IEnumerable<V1CustomResourceDefinition> crds, CelRuleEvaluator? cel = null)
    {
        _byKind = crds.ToDictionary(c => $"{c.Spec.Group}/{c.Spec.Versions[0].Name}/{c.Spec.Names.Kind}", StringComparer.Ordinal);
        _schema = new SchemaValidator(cel ?? new CelRuleEvaluator());
    }

    public static ManifestValidator CreateDefault()
    {
        var generator = CrdGenerator.CreateDefault();
        return new ManifestValidator(FlywheelApi.Kinds.Select(generator.Generate));
    }

    public IReadOnlyList<ManifestResult> ValidateYaml(string yaml) => ManifestReader.Read(yaml).Select(Validate).ToList();

    public ManifestResult Validate(JsonObject obj)
    {
        var apiVersion = obj["apiVersion"]?.GetValueKind() == System.Text.Json.JsonValueKind.String ? obj["apiVersion"]!.GetValue<string>() : string.Empty;
        var kind = obj["kind"]?.GetValueKind() == System.Text.Json.JsonValueKind.String ? obj["kind"]!.GetValue<string>() : string.Empty;
        var name = obj["metadata"]?["name"]?.ToString() ?? string.Empty;
        if (!_byKind.TryGetValue($"{apiVersion}/{kind}", out var crd))
        {
            var known = apiVersion.StartsWith(FlywheelApi.Group + "/", StringComparison.Ordinal)
                ? [new FieldError("kind", $"Unsupported value: \"{kind}\" in {apiVersion}: supported kinds: {string.Join(", ", _byKind.Values.Select(c => c.Spec.Names.Kind))}")]
                : Array.Empty<FieldError>();
            return new ManifestResult(kind, name, known.Length > 0, known);
        }

        var errors = new List<FieldError>();
        if (string.IsNullOrEmpty(name) && obj["metadata"]?["generateName"] is null)
        {
            errors.Add(new FieldError("metadata.name", "Required value: name or generateName is required"));
        }

        var schema = crd.Spec.Versions[0].Schema.OpenAPIV3Schema;
        var copy = obj.DeepClone().AsObject();
        copy.Remove("metadata");
        SchemaValidator.ApplyDefaults(copy, schema);
        errors.AddRange(_schema.Validate(copy, WithoutMetadata(schema), string.Empty));
        return new ManifestResult(kind, name, true, errors);
    }

    // metadata is validated by the API server's own rules, not the CRD schema.
    private static V1JSONSchemaProps WithoutMetadata(V1JSONSchemaProps schema) => new()
    {
        Type = schema.Type,
        Required = schema.Required,
        Properties = schema.Properties.Where(p => p.Key != "metadata").ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
        XKubernetesValidations = schema.XKubernetesValidations,
    };
}
