using k8s;
using k8s.Models;

namespace Flywheel.Operator.Runtime.Informers;

/// <summary>The built-in kinds the operator watches or applies, bound to the typed client.</summary>
internal static class BuiltInResourceApis
{
    // Watches end server-side after this long and are resumed from the last resource version,
    // so a half-open connection cannot hide events for longer.
    private const int WatchTimeoutSeconds = 300;

    public static IResourceApi<T>? TryCreate<T>(IKubernetes client) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        object? api = typeof(T) switch
        {
            var t when t == typeof(V1Job) => Jobs(client),
            var t when t == typeof(V1Pod) => Pods(client),
            var t when t == typeof(V1Deployment) => Deployments(client),
            var t when t == typeof(V1Service) => Services(client),
            var t when t == typeof(V2HorizontalPodAutoscaler) => HorizontalPodAutoscalers(client),
            var t when t == typeof(V1ConfigMap) => ConfigMaps(client),
            _ => null,
        };
        return (IResourceApi<T>?)api;
    }

    private static TypedResourceApi<V1Job, V1JobList> Jobs(IKubernetes k) => new(new(
        (ns, ct) => ns is null ? k.BatchV1.ListJobForAllNamespacesAsync(cancellationToken: ct) : k.BatchV1.ListNamespacedJobAsync(ns, cancellationToken: ct),
        (ns, rv, onError, ct) => ns is null
            ? k.BatchV1.WatchListJobForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: WatchTimeoutSeconds, onError: onError, cancellationToken: ct)
            : k.BatchV1.WatchListNamespacedJobAsync(ns, allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: WatchTimeoutSeconds, onError: onError, cancellationToken: ct),
        (name, ns, ct) => k.BatchV1.ReadNamespacedJobAsync(name, ns, cancellationToken: ct),
        (patch, name, ns, fm, force, ct) => k.BatchV1.PatchNamespacedJobAsync(patch, name, ns, fieldManager: fm, force: force, cancellationToken: ct)));

    private static TypedResourceApi<V1Pod, V1PodList> Pods(IKubernetes k) => new(new(
        (ns, ct) => ns is null ? k.CoreV1.ListPodForAllNamespacesAsync(cancellationToken: ct) : k.CoreV1.ListNamespacedPodAsync(ns, cancellationToken: ct),
        (ns, rv, onError, ct) => ns is null
            ? k.CoreV1.WatchListPodForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: WatchTimeoutSeconds, onError: onError, cancellationToken: ct)
            : k.CoreV1.WatchListNamespacedPodAsync(ns, allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: WatchTimeoutSeconds, onError: onError, cancellationToken: ct),
        (name, ns, ct) => k.CoreV1.ReadNamespacedPodAsync(name, ns, cancellationToken: ct),
        (patch, name, ns, fm, force, ct) => k.CoreV1.PatchNamespacedPodAsync(patch, name, ns, fieldManager: fm, force: force, cancellationToken: ct)));

    private static TypedResourceApi<V1Deployment, V1DeploymentList> Deployments(IKubernetes k) => new(new(
        (ns, ct) => ns is null ? k.AppsV1.ListDeploymentForAllNamespacesAsync(cancellationToken: ct) : k.AppsV1.ListNamespacedDeploymentAsync(ns, cancellationToken: ct),
        (ns, rv, onError, ct) => ns is null
            ? k.AppsV1.WatchListDeploymentForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: WatchTimeoutSeconds, onError: onError, cancellationToken: ct)
            : k.AppsV1.WatchListNamespacedDeploymentAsync(ns, allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: WatchTimeoutSeconds, onError: onError, cancellationToken: ct),
        (name, ns, ct) => k.AppsV1.ReadNamespacedDeploymentAsync(name, ns, cancellationToken: ct),
        (patch, name, ns, fm, force, ct) => k.AppsV1.PatchNamespacedDeploymentAsync(patch, name, ns, fieldManager: fm, force: force, cancellationToken: ct)));

    private static TypedResourceApi<V1Service, V1ServiceList> Services(IKubernetes k) => new(new(
        (ns, ct) => ns is null ? k.CoreV1.ListServiceForAllNamespacesAsync(cancellationToken: ct) : k.CoreV1.ListNamespacedServiceAsync(ns, cancellationToken: ct),
        (ns, rv, onError, ct) => ns is null
            ? k.CoreV1.WatchListServiceForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: WatchTimeoutSeconds, onError: onError, cancellationToken: ct)
            : k.CoreV1.WatchListNamespacedServiceAsync(ns, allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: WatchTimeoutSeconds, onError: onError, cancellationToken: ct),
        (name, ns, ct) => k.CoreV1.ReadNamespacedServiceAsync(name, ns, cancellationToken: ct),
        (patch, name, ns, fm, force, ct) => k.CoreV1.PatchNamespacedServiceAsync(patch, name, ns, fieldManager: fm, force: force, cancellationToken: ct)));

    private static TypedResourceApi<V2HorizontalPodAutoscaler, V2HorizontalPodAutoscalerList> HorizontalPodAutoscalers(IKubernetes k) => new(new(
        (ns, ct) => ns is null ? k.AutoscalingV2.ListHorizontalPodAutoscalerForAllNamespacesAsync(cancellationToken: ct) : k.AutoscalingV2.ListNamespacedHorizontalPodAutoscalerAsync(ns, cancellationToken: ct),
        (ns, rv, onError, ct) => ns is null
            ? k.AutoscalingV2.WatchListHorizontalPodAutoscalerForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: WatchTimeoutSeconds, onError: onError, cancellationToken: ct)
            : k.AutoscalingV2.WatchListNamespacedHorizontalPodAutoscalerAsync(ns, allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: WatchTimeoutSeconds, onError: onError, cancellationToken: ct),
        (name, ns, ct) => k.AutoscalingV2.ReadNamespacedHorizontalPodAutoscalerAsync(name, ns, cancellationToken: ct),
        (patch, name, ns, fm, force, ct) => k.AutoscalingV2.PatchNamespacedHorizontalPodAutoscalerAsync(patch, name, ns, fieldManager: fm, force: force, cancellationToken: ct)));

    private static TypedResourceApi<V1ConfigMap, V1ConfigMapList> ConfigMaps(IKubernetes k) => new(new(
        (ns, ct) => ns is null ? k.CoreV1.ListConfigMapForAllNamespacesAsync(cancellationToken: ct) : k.CoreV1.ListNamespacedConfigMapAsync(ns, cancellationToken: ct),
        (ns, rv, onError, ct) => ns is null
            ? k.CoreV1.WatchListConfigMapForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: WatchTimeoutSeconds, onError: onError, cancellationToken: ct)
            : k.CoreV1.WatchListNamespacedConfigMapAsync(ns, allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: WatchTimeoutSeconds, onError: onError, cancellationToken: ct),
        (name, ns, ct) => k.CoreV1.ReadNamespacedConfigMapAsync(name, ns, cancellationToken: ct),
        (patch, name, ns, fm, force, ct) => k.CoreV1.PatchNamespacedConfigMapAsync(patch, name, ns, fieldManager: fm, force: force, cancellationToken: ct)));
}
