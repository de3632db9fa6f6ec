using System.Net;
using Flywheel.Operator.Runtime.Informers;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Polly;

namespace Flywheel.Operator.Runtime.Api;

/// <summary>
/// The thin API wrapper reconcilers write through: every call runs in the resilience pipeline, children are
/// server-side applied by one field manager, so the operator owns exactly the fields it sets.
/// </summary>
public sealed class KubeApi(IResourceApis apis, ResiliencePipeline pipeline)
{
    /// <summary>The field manager of every object the operator applies.</summary>
    public const string FieldManager = "flywheel-operator";

    public ResiliencePipeline Pipeline { get; } = pipeline;

    /// <summary>Server-side applies <paramref name="desired"/> (force: the operator is the owner of what it sets).</summary>
    public Task<T> ApplyAsync<T>(T desired, CancellationToken cancellationToken) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(desired);
        var api = apis.For<T>();
        if (string.IsNullOrEmpty(desired.Metadata?.Name))
        {
            throw new ArgumentException($"A {api.Type.Kind} to apply needs metadata.name; builders set a deterministic name.", nameof(desired));
        }

        // Apply requests must say what they are.
        desired.ApiVersion ??= api.Type.ApiVersion;
        desired.Kind ??= api.Type.Kind;
        return ExecuteAsync(ct => api.ApplyAsync(desired, FieldManager, force: true, ct), cancellationToken);
    }

    /// <summary>Reads one object from the server; null when it does not exist.</summary>
    public async Task<T?> ReadAsync<T>(string @namespace, string name, CancellationToken cancellationToken) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var api = apis.For<T>();
        try
        {
            return await ExecuteAsync(ct => api.ReadAsync(@namespace, name, ct), cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException ex) when (ex.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public Task<T> PatchStatusAsync<T>(string @namespace, string name, V1Patch patch, CancellationToken cancellationToken) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var api = apis.For<T>();
        return ExecuteAsync(ct => api.PatchStatusAsync(@namespace, name, patch, ct), cancellationToken);
    }

    /// <summary>Runs any other API call with the same retries.</summary>
    public async Task<TResult> ExecuteAsync<TResult>(Func<CancellationToken, Task<TResult>> call, CancellationToken cancellationToken) =>
        await Pipeline.ExecuteAsync(async ct => await call(ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
}
