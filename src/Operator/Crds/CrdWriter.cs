using k8s;
using k8s.Models;

namespace Flywheel.Operator.Crds;

/// <summary>Renders CRDs as the YAML files checked in under deploy/crds.</summary>
internal static class CrdWriter
{
    public const string Header = "# Generated from src/Operator/Api by `dotnet run --project src/Operator -- crds --output deploy/crds`. Do not edit.\n";

    /// <summary>The file a CRD is written to: <c>&lt;group&gt;_&lt;plural&gt;.yaml</c>.</summary>
    public static string FileName(V1CustomResourceDefinition crd) => $"{crd.Spec.Group}_{crd.Spec.Names.Plural}.yaml";

    public static string Render(V1CustomResourceDefinition crd)
    {
        var yaml = KubernetesYaml.Serialize(crd).Replace("\r\n", "\n", StringComparison.Ordinal);
        return Header + (yaml.EndsWith('\n') ? yaml : yaml + "\n");
    }

    /// <summary>File name → content of every CRD of the given entity types.</summary>
    public static IReadOnlyList<(string FileName, string Content)> RenderAll(CrdGenerator generator, IEnumerable<Type> kinds) =>
        kinds.Select(generator.Generate).Select(crd => (FileName(crd), Render(crd))).ToList();
}
