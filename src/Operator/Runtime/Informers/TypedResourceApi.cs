using k8s;
using k8s.Models;

namespace Flywheel.Operator.Runtime.Informers;

/// <summary>The calls of one built-in kind, each bound to its typed client method.</summary>
internal sealed record TypedCalls<T, TList>(
    Func<string?, CancellationToken, Task<TList>> List,
    Func<string?, string, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> Watch,
    Func<string, string, CancellationToken, Task<T>> Read,
    Func<V1Patch, string, string, string, bool, CancellationToken, Task<T>> Patch,
    Func<V1Patch, string, string, CancellationToken, Task<T>>? PatchStatus = null)
    where TList : IItems<T>, IMetadata<V1ListMeta>;

/// <summary>A built-in kind served by the typed client.</summary>
internal sealed class TypedResourceApi<T, TList>(TypedCalls<T, TList> calls) : IResourceApi<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
    where TList : IItems<T>, IMetadata<V1ListMeta>
{
    public ResourceType Type { get; } = ResourceType.Of<T>();

    public async Task<ResourceList<T>> ListAsync(string? @namespace, CancellationToken cancellationToken)
    {
        var list = await calls.List(@namespace, cancellationToken).ConfigureAwait(false);
        return new([.. list.Items ?? []], list.Metadata?.ResourceVersion ?? string.Empty);
    }

    public IAsyncEnumerable<(WatchEventType Type, T Object)> WatchAsync(string? @namespace, string resourceVersion, Action<Exception> onError, CancellationToken cancellationToken) =>
        calls.Watch(@namespace, resourceVersion, onError, cancellationToken);

    public Task<T> ReadAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        calls.Read(name, @namespace, cancellationToken);

    public Task<T> ApplyAsync(T obj, string fieldManager, bool force, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var meta = obj.Metadata ?? throw new ArgumentException($"A {Type.Kind} to apply needs metadata.name and metadata.namespace.", nameof(obj));
        return calls.Patch(new V1Patch(obj, V1Patch.PatchType.ApplyPatch), meta.Name, meta.NamespaceProperty, fieldManager, force, cancellationToken);
    }

    public Task<T> PatchStatusAsync(string @namespace, string name, V1Patch patch, CancellationToken cancellationToken) =>
        calls.PatchStatus is { } patchStatus
            ? patchStatus(patch, name, @namespace, cancellationToken)
            : throw new NotSupportedException($"The operator does not write the status of {Type.Kind}.");
}
