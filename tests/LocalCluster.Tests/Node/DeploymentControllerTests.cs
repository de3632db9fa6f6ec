using Flywheel.ApiServer.Tests.Tools;
using k8s;
using k8s.Models;

namespace Flywheel.ApiServer.Tests.Node;

/// <summary>Deployments through ReplicaSets to running, probed pods, scaling, rolling updates and Endpoints.</summary>
public sealed class DeploymentControllerTests : IAsyncLifetime
{
    private NodeHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await NodeHarness.StartAsync();

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private static V1Deployment Web(string greeting, int replicas = 2) => new()
    {
        Metadata = new V1ObjectMeta { Name = "web" },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
            Strategy = new V1DeploymentStrategy
            {
                Type = "RollingUpdate",
                RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = "1", MaxUnavailable = "0" },
            },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "web" } },
                Spec = new V1PodSpec
                {
                    TerminationGracePeriodSeconds = 2,
                    Containers = [Greeting(NodeHarness.Http("web"), greeting)],
                },
            },
        },
    };

    private static V1Container Greeting(V1Container container, string greeting)
    {
        container.Env = [new V1EnvVar { Name = "GREETING", Value = greeting }];
        return container;
    }

    private static V1Service Service() => new()
    {
        Metadata = new V1ObjectMeta { Name = "web" },
        Spec = new V1ServiceSpec
        {
            Selector = new Dictionary<string, string> { ["app"] = "web" },
            Ports = [new V1ServicePort { Name = "http", Port = 80, TargetPort = "http" }],
        },
    };

    private Task<List<V1Pod>> ReadyPods(int count) =>
        _harness.WaitAsync(async () => (await _harness.PodsAsync("app=web")).Where(NodeHarness.IsReady).ToList(), pods => pods.Count == count, $"{count} ready pods");

    [Fact]
    public async Task Two_replicas_run_as_ready_pods_with_their_own_ips_listed_in_endpoints_and_scale_up_and_down()
    {
        await _harness.Client.CoreV1.CreateNamespacedServiceAsync(Service(), "default");
        await _harness.Client.AppsV1.CreateNamespacedDeploymentAsync(Web("hello"), "default");

        var pods = await ReadyPods(2);
        var ips = pods.Select(p => p.Status.PodIP).ToList();
        Assert.Equal(2, ips.Distinct().Count());
        Assert.All(ips, ip => Assert.StartsWith("127.", ip, StringComparison.Ordinal));
        Assert.All(pods, p => Assert.Equal("Running", p.Status.Phase));
        Assert.All(pods, p => Assert.Equal("ReplicaSet", p.Metadata.OwnerReferences.Single().Kind));

        // Both replicas listen on 8080, each on its own address.
        using var http = new HttpClient();
        foreach (var ip in ips)
        {
            Assert.Contains("Directory listing", await http.GetStringAsync($"http://{ip}:8080/"));
        }

        var endpoints = await _harness.WaitAsync(
            () => _harness.EndpointsAsync("web"),
            e => e.Subsets?.SelectMany(s => s.Addresses ?? []).Count() == 2,
            "endpoints with two addresses");
        Assert.Equal(ips.Order(), endpoints.Subsets.SelectMany(s => s.Addresses).Select(a => a.Ip).Order());
        Assert.Equal(8080, endpoints.Subsets.Single().Ports.Single().Port);

        await _harness.Client.AppsV1.PatchNamespacedDeploymentScaleAsync(new V1Patch("{\"spec\":{\"replicas\":3}}", V1Patch.PatchType.MergePatch), "web", "default");
        Assert.Equal(3, (await ReadyPods(3)).Select(p => p.Status.PodIP).Distinct().Count());

        await _harness.Client.AppsV1.PatchNamespacedDeploymentScaleAsync(new V1Patch("{\"spec\":{\"replicas\":1}}", V1Patch.PatchType.MergePatch), "web", "default");
        await _harness.WaitAsync(() => _harness.PodsAsync("app=web"), p => p.Count == 1 && NodeHarness.IsReady(p[0]), "one pod left (the others deleted)");
        var deployment = await _harness.WaitAsync(
            () => _harness.Client.AppsV1.ReadNamespacedDeploymentAsync("web", "default"),
            d => d.Status?.AvailableReplicas == 1 && d.Status.Replicas == 1,
            "deployment status at one replica");
        Assert.Equal(deployment.Metadata.Generation, deployment.Status.ObservedGeneration);
        await _harness.WaitAsync(
            () => _harness.EndpointsAsync("web"),
            e => e.Subsets?.SelectMany(s => s.Addresses ?? []).Count() == 1,
            "endpoints with one address");
    }

    [Fact]
    public async Task A_rolling_update_with_max_unavailable_zero_never_drops_below_the_desired_ready_count_and_rollout_status_succeeds()
    {
        await _harness.Client.AppsV1.CreateNamespacedDeploymentAsync(Web("v1"), "default");
        var first = await ReadyPods(2);
        var oldHash = first[0].Metadata.Labels["pod-template-hash"];

        await _harness.Client.AppsV1.ReplaceNamespacedDeploymentAsync(Web("v2"), "web", "default");
        var minimumReady = int.MaxValue;
        var final = await _harness.WaitAsync(
            async () =>
            {
                var pods = await _harness.PodsAsync("app=web");
                minimumReady = Math.Min(minimumReady, pods.Count(NodeHarness.IsReady));
                return pods;
            },
            pods => pods.Count == 2 && pods.All(p => NodeHarness.IsReady(p) && p.Metadata.Labels["pod-template-hash"] != oldHash),
            "two ready pods of the new template",
            seconds: 45);

        Assert.Equal(2, minimumReady);
        Assert.All(final, p => Assert.Equal("v2", p.Spec.Containers[0].Env.Single().Value));
        var sets = (await _harness.Client.AppsV1.ListNamespacedReplicaSetAsync("default")).Items;
        Assert.Equal(2, sets.Count);
        Assert.Equal(0, sets.Single(s => s.Metadata.Labels["pod-template-hash"] == oldHash).Spec.Replicas);
        Assert.Equal("2", sets.Single(s => s.Metadata.Labels["pod-template-hash"] != oldHash).Metadata.Annotations["deployment.kubernetes.io/revision"]);

        using var tools = new ClusterTools(_harness.Cluster);
        var rollout = await tools.KubectlAsync("rollout", "status", "deployment/web", "--timeout=60s");
        Assert.True(rollout.ExitCode == 0, rollout.ToString());
        Assert.Contains("successfully rolled out", rollout.Stdout);
    }
}
