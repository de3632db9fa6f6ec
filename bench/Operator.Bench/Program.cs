using System.Diagnostics;
using System.Globalization;
using Flywheel.Operator.Api.V1Alpha1;
using Flywheel.Operator.Builders;
using Flywheel.Operator.Controllers;
using Flywheel.Operator.Runtime.Controllers;
using Flywheel.Operator.Runtime.Informers;
using Flywheel.Testing;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;

namespace Flywheel.Operator.Bench;

/// <summary>
/// Operator load run: 1,000 ModelDeployments of one promoted model against LocalCluster (its own process).
/// Measures the seconds until every one serves its version, the API writes the operator makes in a steady
/// state afterwards, and the operator's memory holding that many objects.
/// </summary>
public static class Program
{
    private const string Ns = "default";

    public static async Task<int> Main(string[] args)
    {
        var count = Option(args, "--count", 1000);
        var steadySeconds = Option(args, "--steady-seconds", 60);
        var workers = Option(args, "--workers", 4);
        Console.WriteLine($"Operator load run: {count:N0} ModelDeployments, {workers} workers per controller, {steadySeconds} s steady state, {Environment.ProcessorCount} cores");

        await using var cluster = await ClusterProcess.StartAsync();
        var config = new KubernetesClientConfiguration { Host = cluster.Address.GetLeftPart(UriPartial.Authority) };
        using var setup = new Kubernetes(config);
        await PrepareAsync(setup, count);

        var writes = new WriteCounter();
        using var operatorClient = new Kubernetes(config, writes);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IKubernetes>(operatorClient);
        services.AddSingleton(Metrics.NewCustomRegistry());
        services.AddSingleton(new ControllerOptions { Namespaces = [Ns], Workers = workers });
        services.AddFlywheelControllers(new OperatorSettings { ModelStoreRoot = Path.GetTempPath() });
        await using var provider = services.BuildServiceProvider();
        var manager = provider.GetRequiredService<ControllerManager>();

        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var run = manager.RunAsync(stop.Token);
        using var kubeletStop = new CancellationTokenSource();
        var kubelet = KubeletAsync(setup, kubeletStop.Token);
        var converged = await WaitConvergedAsync(setup, count, TimeSpan.FromSeconds(110));
        var convergeSeconds = clock.Elapsed.TotalSeconds;
        var convergeWrites = writes.Writes;
        await kubeletStop.CancelAsync();
        await kubelet;

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var heap = GC.GetTotalMemory(forceFullCollection: true);
        var workingSet = Process.GetCurrentProcess().WorkingSet64;

        writes.Reset();
        await Task.Delay(TimeSpan.FromSeconds(steadySeconds));
        var steadyWrites = writes.Writes;
        var steadyLog = writes.Log.Take(5).ToList();
        var reconciles = manager.Controllers.Count;
        await stop.CancelAsync();
        await run;

        Console.WriteLine();
        Console.WriteLine("| measurement | value |");
        Console.WriteLine("| --- | --- |");
        Console.WriteLine($"| ModelDeployments serving their version | {converged:N0} of {count:N0} |");
        Console.WriteLine($"| seconds to converge (cold start, every one serving) | {convergeSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s |");
        Console.WriteLine($"| operator API writes to converge | {convergeWrites:N0} ({((double)convergeWrites / count).ToString("0.0", CultureInfo.InvariantCulture)} per ModelDeployment) |");
        Console.WriteLine($"| operator API writes in {steadySeconds} s of steady state | {steadyWrites:N0} |");
        Console.WriteLine($"| operator managed heap holding {count:N0} ModelDeployments and their {count:N0} Deployments in its caches | {heap / 1024.0 / 1024.0:0.0} MiB |");
        Console.WriteLine($"| operator process working set | {workingSet / 1024.0 / 1024.0:0.0} MiB |");
        Console.WriteLine($"| controllers | {reconciles} |");
        foreach (var line in steadyLog)
        {
            Console.WriteLine($"steady-state write: {line}");
        }

        return converged == count ? 0 : 1;
    }

    private static async Task PrepareAsync(Kubernetes client, int count)
    {
        // The CRDs as the chart installs them: the generated YAML under deploy/crds.
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Operator.sln")))
        {
            root = Path.GetDirectoryName(root.TrimEnd(Path.DirectorySeparatorChar)) ?? throw new InvalidOperationException("run the benchmark from inside the repository");
        }

        foreach (var file in Directory.GetFiles(Path.Combine(root, "deploy", "crds"), "*.yaml"))
        {
            await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(KubernetesYaml.Deserialize<V1CustomResourceDefinition>(await File.ReadAllTextAsync(file)));
        }

        var model = new Model
        {
            Metadata = new V1ObjectMeta { Name = "bench", NamespaceProperty = Ns },
            Spec = new ModelSpec
            {
                Task = ModelTask.BinaryClassification,
                Data = new DataSpec { Source = "file:///data/bench.csv", LabelColumn = "label" },
                Training = new Api.V1Alpha1.TrainingSpec { Candidates = [new CandidateSpec { Algorithm = Algorithm.FastTree }] },
            },
            Status = null!,
        };
        model = await client.CustomObjects.CreateNamespacedCustomObjectAsync<Model>(model, FlywheelApi.Group, FlywheelApi.Version, Ns, "models");
        model.Status = new ModelStatus { PromotedVersion = "1.0", LatestVersion = "1.0" };
        model.Status.SetVersion(new ModelVersionStatus { Version = "1.0", Phase = VersionPhase.Promoted, Metrics = new() { ["auc"] = 0.9 } });
        await client.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync<Model>(model, FlywheelApi.Group, FlywheelApi.Version, Ns, "models", "bench");

        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var deployment = new ModelDeployment
            {
                Metadata = new V1ObjectMeta { Name = $"bench-{i:D4}", NamespaceProperty = Ns },
                Spec = new ModelDeploymentSpec { ModelRef = new ObjectReference { Name = "bench" } },
                Status = null!,
            };
            await client.CustomObjects.CreateNamespacedCustomObjectAsync<ModelDeployment>(deployment, FlywheelApi.Group, FlywheelApi.Version, Ns, "modeldeployments", cancellationToken: ct);
        });
    }

    /// <summary>Plays the deployment controller and kubelet: every Deployment's current template becomes ready.</summary>
    private static async Task KubeletAsync(Kubernetes client, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var list = await client.AppsV1.ListNamespacedDeploymentAsync(Ns, cancellationToken: cancellationToken);
                foreach (var d in list.Items.Where(d => d.Status?.ObservedGeneration != d.Metadata.Generation || d.Status?.ReadyReplicas != (d.Spec.Replicas ?? 1)))
                {
                    var replicas = d.Spec.Replicas ?? 1;
                    var patch = new { status = new { observedGeneration = d.Metadata.Generation, replicas, updatedReplicas = replicas, readyReplicas = replicas, availableReplicas = replicas } };
                    await client.AppsV1.PatchNamespacedDeploymentStatusAsync(new V1Patch(patch, V1Patch.PatchType.MergePatch), d.Metadata.Name, Ns, cancellationToken: cancellationToken);
                }

                await Task.Delay(200, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static async Task<int> WaitConvergedAsync(Kubernetes client, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var serving = 0;
        while (DateTime.UtcNow < deadline)
        {
            var list = await client.CustomObjects.ListNamespacedCustomObjectAsync<CustomResourceList<ModelDeployment>>(FlywheelApi.Group, FlywheelApi.Version, Ns, "modeldeployments");
            serving = list.Items.Count(d => d.Status?.ServingVersion == "1.0");
            if (serving == count)
            {
                return serving;
            }

            await Task.Delay(250);
        }

        return serving;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
