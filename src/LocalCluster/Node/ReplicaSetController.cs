using k8s;
using k8s.Models;

namespace Flywheel.ApiServer.Node;

/// <summary>
/// ReplicaSet → Pods, as kube-controller-manager does it: create from the template until the active pods
/// match spec.replicas, delete the surplus (not-ready ones first, then the newest), and report
/// replicas / readyReplicas / availableReplicas.
/// </summary>
internal sealed class ReplicaSetController(IKubernetes client, TimeProvider time)
{
    public async Task PassAsync(CancellationToken cancellationToken)
    {
        var sets = await client.AppsV1.ListReplicaSetForAllNamespacesAsync(cancellationToken: cancellationToken);
        var pods = await client.CoreV1.ListPodForAllNamespacesAsync(cancellationToken: cancellationToken);
        foreach (var rs in sets.Items.Where(r => r.Metadata.DeletionTimestamp is null))
        {
            await SyncAsync(rs, pods.Items.Where(p => p.IsOwnedBy(rs.Metadata.Uid)).ToList(), cancellationToken);
        }
    }

    private async Task SyncAsync(V1ReplicaSet rs, List<V1Pod> owned, CancellationToken cancellationToken)
    {
        var ns = rs.Metadata.NamespaceProperty;
        var desired = rs.Spec.Replicas ?? 1;
        var active = owned.Where(p => p.IsActive()).ToList();
        if (active.Count < desired)
        {
            var owner = PodFacts.ControllerReference("apps/v1", "ReplicaSet", rs.Metadata);
            for (var i = active.Count; i < desired; i++)
            {
                await client.CoreV1.CreateNamespacedPodAsync(Workloads.PodFromTemplate(rs.Spec.Template, ns, rs.Metadata.Name + "-", owner), ns, cancellationToken: cancellationToken);
            }
        }
        else if (active.Count > desired)
        {
            var victims = active
                .OrderBy(p => p.IsReady() ? 1 : 0)
                .ThenByDescending(p => p.Metadata.CreationTimestamp ?? DateTime.MinValue)
                .Take(active.Count - desired);
            foreach (var pod in victims)
            {
                await DeletePodAsync(client, pod, cancellationToken);
            }

            active = active.Except(victims).ToList();
        }

        var now = time.GetUtcNow();
        var minReady = rs.Spec.MinReadySeconds ?? 0;
        var status = new V1ReplicaSetStatus
        {
            Replicas = active.Count,
            FullyLabeledReplicas = active.Count,
            ReadyReplicas = active.Count(p => p.IsReady()),
            AvailableReplicas = active.Count(p => p.IsAvailable(minReady, now)),
            ObservedGeneration = rs.Metadata.Generation,
        };
        if (Workloads.Differs(rs.Status, status))
        {
            await client.AppsV1.PatchNamespacedReplicaSetStatusAsync(Workloads.StatusPatch(status), rs.Metadata.Name, ns, cancellationToken: cancellationToken);
        }
    }

    internal static async Task DeletePodAsync(IKubernetes client, V1Pod pod, CancellationToken cancellationToken)
    {
        try
        {
            await client.CoreV1.DeleteNamespacedPodAsync(pod.Metadata.Name, pod.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            // Already gone.
        }
    }
}
