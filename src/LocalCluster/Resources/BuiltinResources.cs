namespace Flywheel.ApiServer.Resources;

/// <summary>The built-in kinds: stored generically, without schemas, with the names kubectl knows them by.</summary>
internal static class BuiltinResources
{
    private static readonly StrategicMergeKeys Smp = new();

    public static IReadOnlyList<ResourceType> All { get; } =
    [
        Core("Namespace", "namespaces", false, ["ns"], status: true),
        Core("Pod", "pods", true, ["po"], ["all"], status: true),
        Core("Service", "services", true, ["svc"], ["all"], status: true),
        Core("Endpoints", "endpoints", true, ["ep"]),
        Core("ConfigMap", "configmaps", true, ["cm"]),
        Core("Secret", "secrets", true, []),
        Core("ServiceAccount", "serviceaccounts", true, ["sa"]),
        Core("Event", "events", true, ["ev"]),
        Core("PersistentVolumeClaim", "persistentvolumeclaims", true, ["pvc"], status: true),
        Core("Node", "nodes", false, ["no"], status: true),
        Named("apps", "v1", "Deployment", "deployments", true, ["deploy"], ["all"], status: true, scale: true),
        Named("apps", "v1", "ReplicaSet", "replicasets", true, ["rs"], ["all"], status: true, scale: true),
        Named("apps", "v1", "StatefulSet", "statefulsets", true, ["sts"], ["all"], status: true, scale: true),
        Named("apps", "v1", "DaemonSet", "daemonsets", true, ["ds"], ["all"], status: true),
        Named("batch", "v1", "Job", "jobs", true, [], ["all"], status: true),
        Named("batch", "v1", "CronJob", "cronjobs", true, ["cj"], ["all"], status: true),
        Named("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, ["hpa"], ["all"], status: true),
        Named("coordination.k8s.io", "v1", "Lease", "leases", true, [], []),
        Named("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", false, ["crd", "crds"], ["api-extensions"], status: true),
        Named("rbac.authorization.k8s.io", "v1", "Role", "roles", true, [], []),
        Named("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false, [], []),
        Named("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true, [], []),
        Named("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", false, [], []),
        Named("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", true, ["netpol"], []),
        Named("networking.k8s.io", "v1", "Ingress", "ingresses", true, ["ing"], [], status: true),
        Named("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", true, ["pdb"], [], status: true),
        Named("events.k8s.io", "v1", "Event", "events", true, ["ev"], []),
        Named("storage.k8s.io", "v1", "StorageClass", "storageclasses", false, ["sc"], []),
    ];

    private static ResourceType Core(string kind, string plural, bool namespaced, string[] shortNames, string[]? categories = null, bool status = false) =>
        Named(string.Empty, "v1", kind, plural, namespaced, shortNames, categories ?? [], status);

    private static ResourceType Named(string group, string version, string kind, string plural, bool namespaced, string[] shortNames, string[] categories, bool status = false, bool scale = false) =>
        new(group, version, kind, plural, kind.ToLowerInvariant(), namespaced, shortNames, categories, status,
            Scale: scale ? new ScaleSubresource(".spec.replicas", ".status.replicas", ".status.selector") : null,
            MergeKeys: Smp);
}
