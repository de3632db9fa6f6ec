using System.Runtime.CompilerServices;
using System.Text.Json;
using k8s;
using k8s.Models;

namespace Flywheel.Operator.Runtime.Informers;

/// <summary>A custom resource served through the CustomObjects API, typed by its entity class.</summary>
internal sealed class CustomResourceApi<T>(IKubernetes client) : IResourceApi<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private const int WatchTimeoutSeconds = 300;

    public ResourceType Type { get; } = ResourceType.Of<T>();

    public async Task<ResourceList<T>> ListAsync(string? @namespace, CancellationToken cancellationToken)
    {
        var list = @namespace is null
            ? await client.CustomObjects.ListCustomObjectForAllNamespacesAsync<CustomResourceList<T>>(Type.Group, Type.Version, Type.Plural, cancellationToken: cancellationToken).ConfigureAwait(false)
            : await client.CustomObjects.ListNamespacedCustomObjectAsync<CustomResourceList<T>>(Type.Group, Type.Version, @namespace, Type.Plural, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new([.. list.Items ?? []], list.Metadata?.ResourceVersion ?? string.Empty);
    }

    public async IAsyncEnumerable<(WatchEventType Type, T Object)> WatchAsync(string? @namespace, string resourceVersion, Action<Exception> onError, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var events = @namespace is null
            ? client.CustomObjects.WatchListCustomObjectForAllNamespacesAsync(Type.Group, Type.Version, Type.Plural, allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: WatchTimeoutSeconds, onError: onError, cancellationToken: cancellationToken)
            : client.CustomObjects.WatchListNamespacedCustomObjectAsync(Type.Group, Type.Version, @namespace, Type.Plural, allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: WatchTimeoutSeconds, onError: onError, cancellationToken: cancellationToken);
        await foreach (var (type, obj) in events.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return (type, Convert(obj));
        }
    }

    public Task<T> ReadAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        client.CustomObjects.GetNamespacedCustomObjectAsync<T>(Type.Group, Type.Version, @namespace, Type.Plural, name, cancellationToken);

    public Task<T> ApplyAsync(T obj, string fieldManager, bool force, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var meta = obj.Metadata ?? throw new ArgumentException($"A {Type.Kind} to apply needs metadata.name and metadata.namespace.", nameof(obj));
        return client.CustomObjects.PatchNamespacedCustomObjectAsync<T>(
            new V1Patch(obj, V1Patch.PatchType.ApplyPatch), Type.Group, Type.Version, meta.NamespaceProperty, Type.Plural, meta.Name,
            fieldManager: fieldManager, force: force, cancellationToken: cancellationToken);
    }

    public Task<T> PatchStatusAsync(string @namespace, string name, V1Patch patch, CancellationToken cancellationToken) =>
        client.CustomObjects.PatchNamespacedCustomObjectStatusAsync<T>(patch, Type.Group, Type.Version, @namespace, Type.Plural, name, cancellationToken: cancellationToken);

    private static T Convert(object obj) => obj switch
    {
        T typed => typed,
        JsonElement element => KubernetesJson.Deserialize<T>(element.GetRawText()),
        _ => KubernetesJson.Deserialize<T>(KubernetesJson.Serialize(obj)),
    };
}

/// <summary>The list envelope of a custom resource.</summary>
public sealed class CustomResourceList<T> : IKubernetesObject<V1ListMeta>, IItems<T>
{
    [System.Text.Json.Serialization.JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = string.Empty;

    [System.Text.Json.Serialization.JsonPropertyName("kind")]
    public string Kind { get; set; } = string.Empty;

    [System.Text.Json.Serialization.JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    [System.Text.Json.Serialization.JsonPropertyName("items")]
    public IList<T> Items { get; set; } = [];
}
