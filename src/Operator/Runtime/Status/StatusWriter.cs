using System.Text.Json.Nodes;
using Flywheel.Operator.Runtime.Api;
using k8s;
using k8s.Models;

namespace Flywheel.Operator.Runtime.Status;

/// <summary>
/// Writes an object's status subresource only when the new status says something different from the
/// stored one, so an idle reconcile causes no write and no watch event.
/// </summary>
public sealed class StatusWriter(KubeApi api)
{
    /// <summary>
    /// Patches the status of <paramref name="entity"/> to <paramref name="status"/> when it semantically changed
    /// (a merge patch of the difference), and sets it on <paramref name="entity"/>.
    /// </summary>
    /// <returns>True when a write was made.</returns>
    public async Task<bool> WriteAsync<TEntity, TStatus>(TEntity entity, TStatus status, CancellationToken cancellationToken)
        where TEntity : class, IKubernetesObject<V1ObjectMeta>, IStatus<TStatus>
    {
        ArgumentNullException.ThrowIfNull(entity);
        var before = ToNode(entity.Status);
        var after = ToNode(status);
        if (JsonMergePatch.SemanticallyEqual(before, after))
        {
            return false;
        }

        var patch = new JsonObject { ["status"] = JsonMergePatch.Diff(before, after) };
        await api.PatchStatusAsync<TEntity>(
            entity.Metadata.NamespaceProperty ?? string.Empty,
            entity.Metadata.Name,
            new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch),
            cancellationToken).ConfigureAwait(false);
        entity.Status = status;
        return true;
    }

    private static JsonNode? ToNode<T>(T value) => value is null ? null : JsonNode.Parse(KubernetesJson.Serialize(value));
}
