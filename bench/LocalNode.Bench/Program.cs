using System.Diagnostics;
using System.Globalization;
using Flywheel.ApiServer;
using Flywheel.ApiServer.Node;
using k8s;
using k8s.Models;

// Local node latencies: one pod from create to Succeeded, a Deployment from create to all pods Ready, and a
// rolling update (maxSurge 1, maxUnavailable 0) from the template change to every pod Ready on the new template.
var pods = args.Length > 1 && args[0] == "--pods" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
var replicas = args.Length > 3 && args[2] == "--replicas" ? int.Parse(args[3], CultureInfo.InvariantCulture) : 10;
var root = Directory.CreateTempSubdirectory("flywheel-node-bench-").FullName;
var rows = new List<(string What, string Value)>();
await using (var cluster = await LocalCluster.StartAsync())
{
    await using var node = await LocalNode.StartAsync(cluster.ClientConfiguration, new NodeOptions
    {
        Images = new Dictionary<string, IReadOnlyList<string>> { ["bench/sh"] = ["/bin/sh", "-c"] },
        RootDirectory = root,
        ResyncInterval = TimeSpan.FromMilliseconds(500),
    });
    using var client = new Kubernetes(cluster.ClientConfiguration);

    var latencies = new List<double>();
    for (var i = 0; i < pods; i++)
    {
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = $"once-{i}" },
            Spec = new V1PodSpec { RestartPolicy = "Never", Containers = [new V1Container { Name = "main", Image = "bench/sh", Args = ["true"] }] },
        };
        var watch = Stopwatch.StartNew();
        await client.CoreV1.CreateNamespacedPodAsync(pod, "default");
        await Until(async () => (await client.CoreV1.ReadNamespacedPodAsync(pod.Metadata.Name, "default")).Status?.Phase == "Succeeded");
        latencies.Add(watch.Elapsed.TotalMilliseconds);
    }

    latencies.Sort();
    rows.Add(($"pod create → Succeeded, p50 ({pods} pods, one at a time)", $"{latencies[latencies.Count / 2]:F0} ms"));
    rows.Add(($"pod create → Succeeded, max", $"{latencies[^1]:F0} ms"));

    var deployment = Deployment(replicas, "v1");
    var rollout = Stopwatch.StartNew();
    await client.AppsV1.CreateNamespacedDeploymentAsync(deployment, "default");
    await Until(async () => (await client.AppsV1.ReadNamespacedDeploymentAsync("bench", "default")).Status?.ReadyReplicas == replicas);
    rows.Add(($"Deployment create → {replicas} Ready", $"{rollout.Elapsed.TotalMilliseconds:F0} ms"));

    rollout.Restart();
    var generation = (await client.AppsV1.ReplaceNamespacedDeploymentAsync(Deployment(replicas, "v2"), "bench", "default")).Metadata.Generation;
    await Until(async () =>
    {
        var status = (await client.AppsV1.ReadNamespacedDeploymentAsync("bench", "default")).Status;
        return status?.ObservedGeneration >= generation && status.UpdatedReplicas == replicas && status.Replicas == replicas && status.AvailableReplicas == replicas;
    });
    rows.Add(($"rolling update of {replicas} (maxSurge 1, maxUnavailable 0) → complete", $"{rollout.Elapsed.TotalMilliseconds:F0} ms"));
}

Directory.Delete(root, recursive: true);
Console.WriteLine("| measurement | value |");
Console.WriteLine("| --- | --- |");
foreach (var (what, value) in rows)
{
    Console.WriteLine($"| {what} | {value} |");
}

static V1Deployment Deployment(int replicas, string version) => new()
{
    Metadata = new V1ObjectMeta { Name = "bench" },
    Spec = new V1DeploymentSpec
    {
        Replicas = replicas,
        Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "bench" } },
        Strategy = new V1DeploymentStrategy { Type = "RollingUpdate", RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = "1", MaxUnavailable = "0" } },
        Template = new V1PodTemplateSpec
        {
            Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "bench" } },
            Spec = new V1PodSpec
            {
                TerminationGracePeriodSeconds = 1,
                Containers = [new V1Container { Name = "main", Image = "bench/sh", Args = ["exec sleep 600"], Env = [new V1EnvVar { Name = "VERSION", Value = version }] }],
            },
        },
    },
};

static async Task Until(Func<Task<bool>> condition)
{
    var deadline = Stopwatch.StartNew();
    while (!await condition())
    {
        if (deadline.Elapsed > TimeSpan.FromSeconds(60))
        {
            throw new TimeoutException("the local node did not get there within 60 s");
        }

        await Task.Delay(5);
    }
}
