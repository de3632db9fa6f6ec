using Flywheel.ApiServer;
using Flywheel.Operator.Runtime.Informers;
using Flywheel.Testing;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flywheel.Operator.Tests.Runtime.Informers;

/// <summary>The informer against a real API server (LocalCluster) through the typed client.</summary>
public sealed class ResourceInformerClusterTests
{
    private static V1ConfigMap Map(string name) => new() { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" } };

    [Fact]
    public async Task Dropped_watches_resume_and_an_expired_resource_version_relists()
    {
        await using var cluster = await LocalCluster.StartAsync(new LocalClusterOptions { WatchHistory = 16 });
        using var client = new Kubernetes(cluster.ClientConfiguration);
        await client.CoreV1.CreateNamespacedConfigMapAsync(Map("before"), "default");
        var informer = new ResourceInformer<V1ConfigMap>(new KubernetesResourceApis(client).For<V1ConfigMap>(), "default", TimeProvider.System, NullLogger.Instance);
        using var cts = new CancellationTokenSource();
        var run = informer.RunAsync(cts.Token);
        await informer.Synced.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(informer.Cache.Get("default", "before"));

        // A plain drop: the informer resumes from its resource version without relisting.
        await Poll.UntilAsync(() => cluster.Faults.DropWatches() >= 1, TimeSpan.FromSeconds(20), "an open watch is cut");
        await client.CoreV1.CreateNamespacedConfigMapAsync(Map("after-drop"), "default");
        await Poll.UntilAsync(() => informer.Cache.Get("default", "after-drop") is not null, TimeSpan.FromSeconds(20), "the resumed watch delivers the new object");
        Assert.Equal(1, informer.Lists);

        // A drop while the server is failing watches and more changes happen than it keeps history for.
        cluster.Faults.FailNext("watch", "configmaps", count: 3, statusCode: 500);
        cluster.Faults.DropWatches();
        await client.CoreV1.DeleteNamespacedConfigMapAsync("before", "default");
        for (var i = 0; i < 30; i++)
        {
            await client.CoreV1.CreateNamespacedConfigMapAsync(Map($"burst-{i}"), "default");
        }

        await Poll.UntilAsync(() => informer.Lists >= 2, TimeSpan.FromSeconds(20), "the informer relists after 410 Gone");
        await Poll.UntilAsync(() => informer.Cache.Get("default", "burst-29") is not null && informer.Cache.Get("default", "before") is null, TimeSpan.FromSeconds(20), "the cache matches the server");
        var server = await client.CoreV1.ListNamespacedConfigMapAsync("default");
        Assert.Equal(
            server.Items.Select(i => i.Metadata.Name).Order(),
            informer.Cache.List().Select(i => i.Metadata.Name).Order());
        await cts.CancelAsync();
        await run;
    }
}
