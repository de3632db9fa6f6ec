using k8s;
using k8s.Models;

namespace Flywheel.ApiServer.Node;

/// <summary>Shared steps of the workload controllers: pods from templates, status writes that skip no-ops.</summary>
internal static class Workloads
{
    public static T Clone<T>(T value) => KubernetesJson.Deserialize<T>(KubernetesJson.Serialize(value));

    public static V1Pod PodFromTemplate(V1PodTemplateSpec template, string ns, string generateName, V1OwnerReference owner, IDictionary<string, string>? extraLabels = null)
    {
        var labels = new Dictionary<string, string>(template.Metadata?.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        foreach (var (key, value) in extraLabels ?? new Dictionary<string, string>())
        {
            labels[key] = value;
        }

        return new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                GenerateName = generateName,
                NamespaceProperty = ns,
                Labels = labels,
                Annotations = template.Metadata?.Annotations is { } annotations ? new Dictionary<string, string>(annotations, StringComparer.Ordinal) : null,
                OwnerReferences = [owner],
            },
            Spec = Clone(template.Spec),
        };
    }

    /// <summary>True when the two statuses serialize differently (so a write would change something).</summary>
    public static bool Differs<T>(T? current, T next) => current is null || KubernetesJson.Serialize(current) != KubernetesJson.Serialize(next);

    public static V1Patch StatusPatch(object status) => new(new { status }, V1Patch.PatchType.MergePatch);

    /// <summary>Resolves an int-or-percent against a total; percents round up for surge, down for unavailability.</summary>
    public static int Scaled(IntOrString? value, int total, int fallbackPercent, bool roundUp)
    {
        var text = value?.Value ?? $"{fallbackPercent}%";
        if (text.EndsWith('%'))
        {
            var percent = int.Parse(text[..^1], System.Globalization.CultureInfo.InvariantCulture);
            var exact = percent * total / 100.0;
            return roundUp ? (int)Math.Ceiling(exact) : (int)Math.Floor(exact);
        }

        return int.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
    }

    public static V1DeploymentCondition? Find(IList<V1DeploymentCondition>? conditions, string type) => conditions?.FirstOrDefault(c => c.Type == type);
}
