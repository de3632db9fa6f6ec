using k8s;
using k8s.Models;

namespace Flywheel.ApiServer.Tests.Semantics;

/// <summary>Patching /scale races with controllers writing the same object, as it does in a cluster.</summary>
public sealed class ScalePatchTests
{
    [Fact]
    public async Task A_scale_merge_patch_without_a_resource_version_never_conflicts_with_concurrent_writes()
    {
        await using var cluster = await LocalCluster.StartAsync();
        using var client = new Kubernetes(cluster.ClientConfiguration);
        await client.AppsV1.CreateNamespacedDeploymentAsync(new V1Deployment
        {
            Metadata = new V1ObjectMeta { Name = "web" },
            Spec = new V1DeploymentSpec
            {
                Replicas = 1,
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "web" } },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "web", Image = "web:1" }] },
                },
            },
        }, "default");

        // A controller keeps writing status while a user scales.
        using var stop = new CancellationTokenSource();
        var statusWrites = 0;
        var writer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await client.AppsV1.PatchNamespacedDeploymentStatusAsync(
                    new V1Patch($"{{\"status\":{{\"observedGeneration\":{++statusWrites}}}}}", V1Patch.PatchType.MergePatch), "web", "default");
            }
        });

        for (var replicas = 2; replicas <= 41; replicas++)
        {
            var scale = await client.AppsV1.PatchNamespacedDeploymentScaleAsync(
                new V1Patch($"{{\"spec\":{{\"replicas\":{replicas}}}}}", V1Patch.PatchType.MergePatch), "web", "default");
            Assert.Equal(replicas, scale.Spec.Replicas);
        }

        await stop.CancelAsync();
        await writer;
        var deployment = await client.AppsV1.ReadNamespacedDeploymentAsync("web", "default");
        Assert.Equal(41, deployment.Spec.Replicas);
        Assert.True(statusWrites > 0);
    }

    [Fact]
    public async Task A_scale_update_with_a_stale_resource_version_still_conflicts()
    {
        await using var cluster = await LocalCluster.StartAsync();
        using var client = new Kubernetes(cluster.ClientConfiguration);
        await client.AppsV1.CreateNamespacedDeploymentAsync(new V1Deployment
        {
            Metadata = new V1ObjectMeta { Name = "api" },
            Spec = new V1DeploymentSpec
            {
                Replicas = 1,
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "api" } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "api" } },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "api", Image = "api:1" }] },
                },
            },
        }, "default");
        var stale = await client.AppsV1.ReadNamespacedDeploymentScaleAsync("api", "default");
        await client.AppsV1.PatchNamespacedDeploymentScaleAsync(new V1Patch("{\"spec\":{\"replicas\":3}}", V1Patch.PatchType.MergePatch), "api", "default");

        stale.Spec.Replicas = 5;
        var error = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => client.AppsV1.ReplaceNamespacedDeploymentScaleAsync(stale, "api", "default"));

        Assert.Equal(System.Net.HttpStatusCode.Conflict, error.Response.StatusCode);
    }

    [Fact]
    public async Task A_merge_patch_without_a_resource_version_never_conflicts_with_concurrent_writes()
    {
        await using var cluster = await LocalCluster.StartAsync();
        using var client = new Kubernetes(cluster.ClientConfiguration);
        await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "settings" }, Data = new Dictionary<string, string> { ["writer"] = "0" } }, "default");

        using var stop = new CancellationTokenSource();
        var writes = 0;
        var writer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await client.CoreV1.PatchNamespacedConfigMapAsync(
                    new V1Patch($"{{\"data\":{{\"writer\":\"{++writes}\"}}}}", V1Patch.PatchType.MergePatch), "settings", "default");
            }
        });

        for (var i = 0; i < 60; i++)
        {
            var patched = await client.CoreV1.PatchNamespacedConfigMapAsync(
                new V1Patch($"{{\"data\":{{\"user\":\"{i}\"}}}}", V1Patch.PatchType.MergePatch), "settings", "default");
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), patched.Data["user"]);
        }

        await stop.CancelAsync();
        await writer;
        Assert.True(writes > 0);
    }

    [Fact]
    public async Task A_merge_patch_naming_a_stale_resource_version_conflicts()
    {
        await using var cluster = await LocalCluster.StartAsync();
        using var client = new Kubernetes(cluster.ClientConfiguration);
        var created = await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "pinned" }, Data = new Dictionary<string, string> { ["a"] = "1" } }, "default");
        await client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("{\"data\":{\"a\":\"2\"}}", V1Patch.PatchType.MergePatch), "pinned", "default");

        var stale = $"{{\"metadata\":{{\"resourceVersion\":\"{created.Metadata.ResourceVersion}\"}},\"data\":{{\"a\":\"3\"}}}}";
        var error = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch(stale, V1Patch.PatchType.MergePatch), "pinned", "default"));

        Assert.Equal(System.Net.HttpStatusCode.Conflict, error.Response.StatusCode);
    }
}
