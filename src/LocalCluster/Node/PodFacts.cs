using k8s.Models;

namespace Flywheel.ApiServer.Node;

/// <summary>What controllers read off a Pod: ownership, liveness, readiness.</summary>
internal static class PodFacts
{
    public static bool IsOwnedBy(this V1Pod pod, string uid) => pod.Metadata.OwnerReferences?.Any(o => o.Uid == uid && o.Controller == true) == true;

    public static bool IsOwnedBy(this V1ReplicaSet rs, string uid) => rs.Metadata.OwnerReferences?.Any(o => o.Uid == uid && o.Controller == true) == true;

    public static bool IsDeleting(this V1Pod pod) => pod.Metadata.DeletionTimestamp is not null;

    public static bool IsTerminal(this V1Pod pod) => pod.Status?.Phase is "Succeeded" or "Failed";

    /// <summary>Counts towards a controller's replicas: not finished and not on its way out.</summary>
    public static bool IsActive(this V1Pod pod) => !pod.IsDeleting() && !pod.IsTerminal();

    public static bool IsReady(this V1Pod pod) =>
        pod.IsActive() && pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    /// <summary>Ready for at least minReadySeconds.</summary>
    public static bool IsAvailable(this V1Pod pod, int minReadySeconds, DateTimeOffset now)
    {
        if (!pod.IsReady())
        {
            return false;
        }

        if (minReadySeconds <= 0)
        {
            return true;
        }

        var since = pod.Status!.Conditions!.First(c => c.Type == "Ready").LastTransitionTime;
        return since is null || now - new DateTimeOffset(DateTime.SpecifyKind(since.Value, DateTimeKind.Utc)) >= TimeSpan.FromSeconds(minReadySeconds);
    }

    public static V1OwnerReference ControllerReference(string apiVersion, string kind, V1ObjectMeta owner) => new()
    {
        ApiVersion = apiVersion,
        Kind = kind,
        Name = owner.Name,
        Uid = owner.Uid,
        Controller = true,
        BlockOwnerDeletion = true,
    };

    public static bool Matches(IDictionary<string, string>? selector, IDictionary<string, string>? labels) =>
        selector is { Count: > 0 } && labels is not null && selector.All(kv => labels.TryGetValue(kv.Key, out var v) && v == kv.Value);
}
