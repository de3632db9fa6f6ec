using k8s;
using k8s.Models;

namespace Flywheel.Operator.Runtime.Informers;

/// <summary>One page-less list of a kind and the resource version to watch from.</summary>
public sealed record ResourceList<T>(IReadOnlyList<T> Items, string ResourceVersion);

/// <summary>
/// The calls the runtime makes for one kind, whichever client serves it: the typed client for built-in
/// kinds, CustomObjects for custom resources. A <c>null</c> namespace means all namespaces.
/// </summary>
public interface IResourceApi<T> where T : class, IKubernetesObject<V1ObjectMeta>
{
    ResourceType Type { get; }

    Task<ResourceList<T>> ListAsync(string? @namespace, CancellationToken cancellationToken);

    /// <summary>Watches from <paramref name="resourceVersion"/>; a server-sent error (such as 410 Gone) goes to <paramref name="onError"/>.</summary>
    IAsyncEnumerable<(WatchEventType Type, T Object)> WatchAsync(string? @namespace, string resourceVersion, Action<Exception> onError, CancellationToken cancellationToken);

    Task<T> ReadAsync(string @namespace, string name, CancellationToken cancellationToken);

    /// <summary>Server-side apply of <paramref name="obj"/> owned by <paramref name="fieldManager"/>.</summary>
    Task<T> ApplyAsync(T obj, string fieldManager, bool force, CancellationToken cancellationToken);

    /// <summary>Patches the status subresource.</summary>
    Task<T> PatchStatusAsync(string @namespace, string name, V1Patch patch, CancellationToken cancellationToken);
}
