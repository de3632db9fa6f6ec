using System.Text.Json;
using System.Text.Json.Nodes;
using Flywheel.Operator.Api.V1Alpha1;
using k8s;
using k8s.Models;

namespace Flywheel.Operator.Local;

/// <summary>Reads, applies and patches Flywheel objects through the API, as kubectl would.</summary>
internal sealed class FlywheelObjects(IKubernetes client, string @namespace)
{
    private static readonly Dictionary<string, string> Plurals = new(StringComparer.Ordinal)
    {
        [Model.KubeKind] = "models",
        [TrainingRun.KubeKind] = "trainingruns",
        [ModelDeployment.KubeKind] = "modeldeployments",
        [RetrainPolicy.KubeKind] = "retrainpolicies",
    };

    /// <summary>Creates each object of a manifest (one or more YAML documents).</summary>
    public async Task<IReadOnlyList<string>> ApplyAsync(string yaml, CancellationToken cancellationToken)
    {
        var created = new List<string>();
        foreach (var manifest in Crds.Validation.ManifestReader.Read(yaml))
        {
            var kind = (string)manifest["kind"]!;
            var plural = Plurals.TryGetValue(kind, out var p) ? p : throw new InvalidOperationException($"local mode applies Flywheel kinds only, not {kind}");
            manifest["metadata"]!["namespace"] = @namespace;
            await client.CustomObjects.CreateNamespacedCustomObjectAsync(
                JsonSerializer.Deserialize<JsonElement>(manifest.ToJsonString()), FlywheelApi.Group, FlywheelApi.Version, @namespace, plural, cancellationToken: cancellationToken);
            created.Add($"{kind}/{manifest["metadata"]!["name"]}");
        }

        return created;
    }

    public async Task MergePatchAsync(string kind, string name, string patchJson, CancellationToken cancellationToken) =>
        await client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch(patchJson, V1Patch.PatchType.MergePatch), FlywheelApi.Group, FlywheelApi.Version, @namespace, Plurals[kind], name, cancellationToken: cancellationToken);

    public async Task<T?> GetAsync<T>(string kind, string name, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            var raw = await client.CustomObjects.GetNamespacedCustomObjectAsync(FlywheelApi.Group, FlywheelApi.Version, @namespace, Plurals[kind], name, cancellationToken);
            return KubernetesJson.Deserialize<T>(JsonSerializer.Serialize(raw));
        }
        catch (k8s.Autorest.HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<TrainingRun>> TrainingRunsAsync(string model, CancellationToken cancellationToken)
    {
        var raw = await client.CustomObjects.ListNamespacedCustomObjectAsync(FlywheelApi.Group, FlywheelApi.Version, @namespace, "trainingruns", cancellationToken: cancellationToken);
        var list = JsonNode.Parse(JsonSerializer.Serialize(raw))!["items"]!.AsArray();
        return [.. list
            .Select(item => KubernetesJson.Deserialize<TrainingRun>(item!.ToJsonString()))
            .Where(run => run.Spec.ModelRef.Name == model)
            .OrderBy(run => run.Metadata.CreationTimestamp)];
    }
}
