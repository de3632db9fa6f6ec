using System.Net;
using Flywheel.Operator.Api.V1Alpha1;
using Flywheel.Operator.Builders;
using Flywheel.Operator.Runtime.Api;
using Flywheel.Operator.Runtime.Informers;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Flywheel.Operator.Controllers;

/// <summary>
/// The lists, deletes and metadata patches reconcilers need beyond <see cref="KubeApi"/>'s read/apply/status calls,
/// each run through the same resilience pipeline.
/// </summary>
public sealed class ClusterReader(IKubernetes client, KubeApi api, TimeProvider time)
{
    private static readonly TimeSpan CrdCacheTime = TimeSpan.FromMinutes(1);
    private readonly Dictionary<string, (bool Exists, DateTimeOffset CheckedAt)> _crds = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public IKubernetes Client => client;

    public async Task<IReadOnlyList<TrainingRun>> TrainingRunsAsync(string ns, string model, CancellationToken cancellationToken)
    {
        var list = await api.ExecuteAsync(
            ct => client.CustomObjects.ListNamespacedCustomObjectAsync<CustomResourceList<TrainingRun>>(
                FlywheelApi.Group, FlywheelApi.Version, ns, "trainingruns", labelSelector: $"{ChildMetadata.ModelLabel}={model}", cancellationToken: ct),
            cancellationToken).ConfigureAwait(false);
        return [.. list.Items];
    }

    public async Task<IReadOnlyList<ModelDeployment>> ModelDeploymentsAsync(string ns, CancellationToken cancellationToken)
    {
        var list = await api.ExecuteAsync(
            ct => client.CustomObjects.ListNamespacedCustomObjectAsync<CustomResourceList<ModelDeployment>>(
                FlywheelApi.Group, FlywheelApi.Version, ns, "modeldeployments", cancellationToken: ct),
            cancellationToken).ConfigureAwait(false);
        return [.. list.Items];
    }

    public async Task<IReadOnlyList<V1Job>> JobsAsync(string ns, string labelSelector, CancellationToken cancellationToken)
    {
        var list = await api.ExecuteAsync(ct => client.BatchV1.ListNamespacedJobAsync(ns, labelSelector: labelSelector, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
        return [.. list.Items];
    }

    public async Task<IReadOnlyList<V1Pod>> PodsAsync(string ns, string labelSelector, CancellationToken cancellationToken)
    {
        var list = await api.ExecuteAsync(ct => client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: labelSelector, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
        return [.. list.Items];
    }

    /// <summary>Whether a CRD is installed (KEDA, the Prometheus Operator); remembered for a minute.</summary>
    public async Task<bool> CrdExistsAsync(string name, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (_crds.TryGetValue(name, out var known) && now - known.CheckedAt < CrdCacheTime)
            {
                return known.Exists;
            }
        }

        bool exists;
        try
        {
            await api.ExecuteAsync(ct => client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(name, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
            exists = true;
        }
        catch (HttpOperationException ex) when (ex.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            exists = false;
        }

        lock (_lock)
        {
            _crds[name] = (exists, now);
        }

        return exists;
    }

    /// <summary>Deletes a child the operator made for <paramref name="owner"/>, if it exists and the owner controls it.</summary>
    public async Task<bool> DeleteOwnedAsync<T>(IKubernetesObject<V1ObjectMeta> owner, string name, Func<CancellationToken, Task> delete, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(delete);
        var child = await api.ReadAsync<T>(owner.Metadata.NamespaceProperty, name, cancellationToken).ConfigureAwait(false);
        if (child?.Metadata.OwnerReferences?.Any(r => r.Controller == true && r.Uid == owner.Metadata.Uid) != true)
        {
            return false;
        }

        try
        {
            await api.ExecuteAsync(async ct => { await delete(ct).ConfigureAwait(false); return true; }, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException ex) when (ex.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        return true;
    }

    /// <summary>Replaces the finalizers of a Flywheel object (a merge patch of metadata.finalizers).</summary>
    public Task SetFinalizersAsync<T>(T entity, IList<string> finalizers, string plural, CancellationToken cancellationToken) where T : IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(entity);
        var patch = new V1Patch(new { metadata = new { finalizers, resourceVersion = entity.Metadata.ResourceVersion } }, V1Patch.PatchType.MergePatch);
        return api.ExecuteAsync(
            ct => client.CustomObjects.PatchNamespacedCustomObjectAsync(patch, FlywheelApi.Group, FlywheelApi.Version, entity.Metadata.NamespaceProperty, plural, entity.Metadata.Name, cancellationToken: ct),
            cancellationToken);
    }
}
