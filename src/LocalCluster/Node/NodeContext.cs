using k8s;
using k8s.Models;

namespace Flywheel.ApiServer.Node;

/// <summary>What every pod worker of one node shares.</summary>
internal sealed class NodeContext(NodeOptions options) : IDisposable
{
    /// <summary>Holds a pod in the API server until this node has stopped its processes (the kubelet's role in graceful deletion).</summary>
    public const string Finalizer = "node.flywheel.dev/processes";

    public NodeOptions Options => options;

    public ImageMap Images { get; } = new(options.Images);

    public PodAddresses Addresses { get; } = new();

    /// <summary>For probes: no proxy, no connection reuse surprises across restarts of a container.</summary>
    public HttpClient Http { get; } = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.FromSeconds(5) });

    /// <summary>Removes this node's finalizer so the API server finishes the deletion.</summary>
    public async Task ReleaseAsync(IKubernetes client, V1Pod pod, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var current = await PodVolumes.ReadAsync(() => client.CoreV1.ReadNamespacedPodAsync(pod.Metadata.Name, pod.Metadata.NamespaceProperty, cancellationToken: cancellationToken));
            if (current is null || current.Metadata.Uid != pod.Metadata.Uid || current.Metadata.Finalizers?.Contains(Finalizer) != true)
            {
                return;
            }

            var finalizers = current.Metadata.Finalizers.Where(f => f != Finalizer).ToList();
            var patch = new V1Patch(new { metadata = new { finalizers, resourceVersion = current.Metadata.ResourceVersion } }, V1Patch.PatchType.MergePatch);
            try
            {
                await client.CoreV1.PatchNamespacedPodAsync(patch, pod.Metadata.Name, pod.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
                return;
            }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict && attempt < 5)
            {
                // Someone else wrote the pod meanwhile: read it again.
            }
        }
    }

    public void Dispose()
    {
        Http.Dispose();
        Addresses.Dispose();
    }
}
