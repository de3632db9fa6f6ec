using System.Globalization;
using k8s;
using k8s.Models;

namespace Flywheel.ApiServer.Node;

/// <summary>
/// Deployment → ReplicaSets, as kube-controller-manager does it. The current template's ReplicaSet is named
/// <c>&lt;deployment&gt;-&lt;hash of the template&gt;</c> and carries the <c>pod-template-hash</c> label. A rolling
/// update scales it up within maxSurge and the old ones down within maxUnavailable, counting only Ready
/// pods as available; Recreate empties the old ones first. Status carries what <c>kubectl rollout status</c> reads.
/// </summary>
internal sealed class DeploymentController(IKubernetes client, TimeProvider time)
{
    public const string HashLabel = "pod-template-hash";
    private const string RevisionAnnotation = "deployment.kubernetes.io/revision";

    public async Task PassAsync(CancellationToken cancellationToken)
    {
        var deployments = await client.AppsV1.ListDeploymentForAllNamespacesAsync(cancellationToken: cancellationToken);
        var sets = await client.AppsV1.ListReplicaSetForAllNamespacesAsync(cancellationToken: cancellationToken);
        var pods = await client.CoreV1.ListPodForAllNamespacesAsync(cancellationToken: cancellationToken);
        foreach (var deployment in deployments.Items.Where(d => d.Metadata.DeletionTimestamp is null))
        {
            var owned = sets.Items.Where(r => r.IsOwnedBy(deployment.Metadata.Uid)).ToList();
            await SyncAsync(deployment, owned, pods.Items, cancellationToken);
        }
    }

    private async Task SyncAsync(V1Deployment deployment, List<V1ReplicaSet> owned, IList<V1Pod> allPods, CancellationToken cancellationToken)
    {
        var ns = deployment.Metadata.NamespaceProperty;
        var desired = deployment.Spec.Replicas ?? 1;
        var hash = TemplateHash.Of(deployment.Spec.Template);
        var current = owned.FirstOrDefault(r => r.Metadata.Labels?.TryGetValue(HashLabel, out var h) == true && h == hash);
        var old = owned.Where(r => r != current).ToList();
        var now = time.GetUtcNow();
        var minReady = deployment.Spec.MinReadySeconds ?? 0;
        List<V1Pod> PodsOf(V1ReplicaSet rs) => allPods.Where(p => p.IsOwnedBy(rs.Metadata.Uid) && p.IsActive()).ToList();

        // An RS's pods beyond its spec are about to go (not-ready ones first), so they never count as available.
        int Available(V1ReplicaSet rs) => Math.Min(rs.Spec.Replicas ?? 0, PodsOf(rs).Count(p => p.IsAvailable(minReady, now)));

        if (current is null)
        {
            var revision = owned.Select(Revision).DefaultIfEmpty(0).Max() + 1;
            current = await CreateReplicaSetAsync(deployment, hash, revision, cancellationToken);
        }

        var recreate = deployment.Spec.Strategy?.Type == "Recreate";
        if (recreate)
        {
            foreach (var rs in old.Where(r => (r.Spec.Replicas ?? 0) > 0))
            {
                await ScaleAsync(rs, 0, cancellationToken);
            }

            if (old.All(r => PodsOf(r).Count == 0 && (r.Spec.Replicas ?? 0) == 0))
            {
                await ScaleAsync(current, desired, cancellationToken);
            }
        }
        else
        {
            var surge = Workloads.Scaled(deployment.Spec.Strategy?.RollingUpdate?.MaxSurge, desired, 25, roundUp: true);
            var unavailable = Workloads.Scaled(deployment.Spec.Strategy?.RollingUpdate?.MaxUnavailable, desired, 25, roundUp: false);
            if (surge == 0 && unavailable == 0)
            {
                unavailable = 1;
            }

            // Scale the new ReplicaSet up within maxSurge.
            var currentSpec = current.Spec.Replicas ?? 0;
            var total = owned.Where(r => r != current).Sum(r => r.Spec.Replicas ?? 0) + currentSpec;
            if (currentSpec > desired)
            {
                await ScaleAsync(current, desired, cancellationToken);
            }
            else if (currentSpec < desired)
            {
                var up = Math.Min(desired + surge - total, desired - currentSpec);
                if (up > 0)
                {
                    await ScaleAsync(current, currentSpec + up, cancellationToken);
                }
            }

            // Scale the old ones down while at least desired - maxUnavailable stay available.
            var minAvailable = desired - unavailable;
            var availableNow = Available(current) + old.Sum(Available);
            var budget = availableNow - minAvailable;
            foreach (var rs in old.OrderBy(r => r.Metadata.CreationTimestamp ?? DateTime.MinValue))
            {
                var spec = rs.Spec.Replicas ?? 0;
                if (spec == 0)
                {
                    continue;
                }

                // Unavailable pods of an old ReplicaSet cost nothing to remove.
                var unhealthy = spec - Available(rs);
                var down = unhealthy + Math.Max(0, Math.Min(spec - unhealthy, budget));
                if (down > 0)
                {
                    budget -= down - unhealthy;
                    await ScaleAsync(rs, spec - down, cancellationToken);
                }
            }
        }

        await CleanUpHistoryAsync(deployment, old, PodsOf, cancellationToken);
        await WriteStatusAsync(deployment, current, old, PodsOf, Available, desired, cancellationToken);
    }

    private async Task<V1ReplicaSet> CreateReplicaSetAsync(V1Deployment deployment, string hash, int revision, CancellationToken cancellationToken)
    {
        var ns = deployment.Metadata.NamespaceProperty;
        var template = Workloads.Clone(deployment.Spec.Template);
        template.Metadata ??= new V1ObjectMeta();
        template.Metadata.Labels = new Dictionary<string, string>(template.Metadata.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal) { [HashLabel] = hash };
        var selector = Workloads.Clone(deployment.Spec.Selector);
        selector.MatchLabels = new Dictionary<string, string>(selector.MatchLabels ?? new Dictionary<string, string>(), StringComparer.Ordinal) { [HashLabel] = hash };
        var rs = new V1ReplicaSet
        {
            ApiVersion = "apps/v1",
            Kind = "ReplicaSet",
            Metadata = new V1ObjectMeta
            {
                Name = $"{deployment.Metadata.Name}-{hash}",
                NamespaceProperty = ns,
                Labels = template.Metadata.Labels,
                Annotations = new Dictionary<string, string> { [RevisionAnnotation] = revision.ToString(CultureInfo.InvariantCulture) },
                OwnerReferences = [PodFacts.ControllerReference("apps/v1", "Deployment", deployment.Metadata)],
            },
            Spec = new V1ReplicaSetSpec { Replicas = 0, Selector = selector, Template = template, MinReadySeconds = deployment.Spec.MinReadySeconds },
        };
        return await client.AppsV1.CreateNamespacedReplicaSetAsync(rs, ns, cancellationToken: cancellationToken);
    }

    private async Task ScaleAsync(V1ReplicaSet rs, int replicas, CancellationToken cancellationToken)
    {
        var patch = new V1Patch(new { spec = new { replicas } }, V1Patch.PatchType.MergePatch);
        await client.AppsV1.PatchNamespacedReplicaSetAsync(patch, rs.Metadata.Name, rs.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
        rs.Spec.Replicas = replicas;
    }

    private async Task CleanUpHistoryAsync(V1Deployment deployment, List<V1ReplicaSet> old, Func<V1ReplicaSet, List<V1Pod>> podsOf, CancellationToken cancellationToken)
    {
        var limit = deployment.Spec.RevisionHistoryLimit ?? 10;
        var idle = old.Where(r => (r.Spec.Replicas ?? 0) == 0 && podsOf(r).Count == 0).OrderBy(Revision).ToList();
        foreach (var rs in idle.Take(Math.Max(0, idle.Count - limit)))
        {
            await client.AppsV1.DeleteNamespacedReplicaSetAsync(rs.Metadata.Name, rs.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
        }
    }

    private async Task WriteStatusAsync(V1Deployment deployment, V1ReplicaSet current, List<V1ReplicaSet> old, Func<V1ReplicaSet, List<V1Pod>> podsOf, Func<V1ReplicaSet, int> available, int desired, CancellationToken cancellationToken)
    {
        var all = old.Append(current).ToList();
        var replicas = all.Sum(r => podsOf(r).Count);
        var updated = podsOf(current).Count;
        var ready = all.Sum(r => podsOf(r).Count(p => p.IsReady()));
        var availableCount = all.Sum(available);
        var unavailableAllowed = deployment.Spec.Strategy?.Type == "Recreate"
            ? 0
            : Workloads.Scaled(deployment.Spec.Strategy?.RollingUpdate?.MaxUnavailable, desired, 25, roundUp: false);
        var complete = updated == desired && replicas == desired && available(current) == desired && (current.Spec.Replicas ?? 0) == desired;
        var now = time.GetUtcNow().UtcDateTime;
        var previous = deployment.Status?.Conditions;

        V1DeploymentCondition Condition(string type, bool status, string reason, string message)
        {
            var before = Workloads.Find(previous, type);
            var value = status ? "True" : "False";
            var changed = before?.Status != value;
            return new V1DeploymentCondition
            {
                Type = type,
                Status = value,
                Reason = reason,
                Message = message,
                LastTransitionTime = changed ? now : before!.LastTransitionTime,
                LastUpdateTime = changed || before!.Reason != reason ? now : before.LastUpdateTime,
            };
        }

        var isAvailable = availableCount >= desired - unavailableAllowed;
        var status = new V1DeploymentStatus
        {
            ObservedGeneration = deployment.Metadata.Generation,
            Replicas = replicas,
            UpdatedReplicas = updated,
            ReadyReplicas = ready,
            AvailableReplicas = availableCount,
            UnavailableReplicas = Math.Max(0, desired - availableCount),
            Conditions =
            [
                Condition("Available", isAvailable, isAvailable ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                    isAvailable ? "Deployment has minimum availability." : "Deployment does not have minimum availability."),
                Condition("Progressing", true, complete ? "NewReplicaSetAvailable" : "ReplicaSetUpdated",
                    complete ? $"ReplicaSet \"{current.Metadata.Name}\" has successfully progressed." : $"ReplicaSet \"{current.Metadata.Name}\" is progressing."),
            ],
        };
        if (Workloads.Differs(deployment.Status, status))
        {
            await client.AppsV1.PatchNamespacedDeploymentStatusAsync(Workloads.StatusPatch(status), deployment.Metadata.Name, deployment.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
        }
    }

    private static int Revision(V1ReplicaSet rs) =>
        rs.Metadata.Annotations?.TryGetValue(RevisionAnnotation, out var text) == true && int.TryParse(text, CultureInfo.InvariantCulture, out var n) ? n : 0;
}
