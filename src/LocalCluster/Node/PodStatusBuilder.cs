using k8s.Models;

namespace Flywheel.ApiServer.Node;

/// <summary>The pod status a kubelet reports: phase from the containers' states, conditions, IPs, containerStatuses.</summary>
internal static class PodStatusBuilder
{
    public static V1PodStatus Build(V1Pod pod, IReadOnlyList<ContainerRunner> runners, string podIp, DateTime startTime, V1PodStatus? previous, DateTime now)
    {
        var statuses = runners.Select(r => r.Status(r.Process is { } p ? $"flywheel://{p.Id}" : null)).ToList();
        var allReady = runners.All(r => r.IsReady);
        var deleting = pod.Metadata.DeletionTimestamp is not null;
        var notReady = runners.Where(r => !r.IsReady).Select(r => r.Spec.Name).ToList();
        var notReadyMessage = notReady.Count == 0 ? null : $"containers with unready status: [{string.Join(' ', notReady)}]";

        V1PodCondition Condition(string type, bool value, string? reason = null, string? message = null)
        {
            var text = value ? "True" : "False";
            var before = previous?.Conditions?.FirstOrDefault(c => c.Type == type);
            return new V1PodCondition
            {
                Type = type,
                Status = text,
                Reason = value ? null : reason,
                Message = value ? null : message,
                LastProbeTime = null,
                LastTransitionTime = before?.Status == text ? before.LastTransitionTime : now,
            };
        }

        return new V1PodStatus
        {
            Phase = Phase(runners),
            Conditions =
            [
                Condition("PodScheduled", true),
                Condition("Initialized", true),
                Condition("ContainersReady", allReady, "ContainersNotReady", notReadyMessage),
                Condition("Ready", allReady && !deleting, "ContainersNotReady", notReadyMessage ?? (deleting ? "the pod is terminating" : null)),
            ],
            HostIP = "127.0.0.1",
            HostIPs = [new V1HostIP { Ip = "127.0.0.1" }],
            PodIP = podIp,
            PodIPs = [new V1PodIP { Ip = podIp }],
            StartTime = startTime,
            QosClass = "BestEffort",
            ContainerStatuses = statuses,
        };
    }

    /// <summary>
    /// Pending until every container has run at least once; Succeeded or Failed once all have terminated for
    /// good (restartPolicy decides that); Running otherwise.
    /// </summary>
    private static string Phase(IReadOnlyList<ContainerRunner> runners)
    {
        if (runners.Any(r => !r.EverStarted))
        {
            return "Pending";
        }

        if (runners.All(r => r.Finished))
        {
            return runners.All(r => r.Succeeded) ? "Succeeded" : "Failed";
        }

        return "Running";
    }
}
