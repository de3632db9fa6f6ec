using System.Collections.Concurrent;
using Flywheel.ApiServer;
using Flywheel.Operator.Runtime;
using Flywheel.Operator.Runtime.Api;
using Flywheel.Operator.Runtime.Controllers;
using Flywheel.Operator.Runtime.Informers;
using Flywheel.Operator.Runtime.Reconciliation;
using Flywheel.Operator.Runtime.Resilience;
using Flywheel.Testing;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;

namespace Flywheel.Operator.Tests.Runtime.Controllers;

/// <summary>A controller against a real API server (LocalCluster): apply children, watch them, survive faults.</summary>
public sealed class ControllerClusterTests
{
    [Fact]
    public async Task Applies_children_through_faults_and_reconciles_the_owner_when_a_child_changes()
    {
        await using var cluster = await LocalCluster.StartAsync();
        using var client = new Kubernetes(cluster.ClientConfiguration);
        var log = new ConcurrentQueue<string>();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IKubernetes>(client);
        services.AddSingleton(Metrics.NewCustomRegistry());
        services.AddSingleton(new ResilienceOptions { BaseDelay = TimeSpan.FromMilliseconds(5), MaxRetryAttempts = 5 });
        services.AddSingleton(new ControllerOptions { Namespaces = ["default"], Workers = 2 });
        services.AddSingleton(log);
        services.AddController<V1ConfigMap, JobOwnerReconciler>().Owns<V1Job>();
        await using var provider = services.BuildServiceProvider();
        var manager = provider.GetRequiredService<ControllerManager>();

        // The first two applies of the child fail with 500s; the API wrapper's retries must absorb them.
        cluster.Faults.FailNext("patch", "jobs", count: 2, statusCode: 503);
        await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "model-a", NamespaceProperty = "default" } }, "default");
        using var cts = new CancellationTokenSource();
        var run = manager.RunAsync(cts.Token);

        await Poll.UntilAsync(() => log.Contains("applied default/model-a"), TimeSpan.FromSeconds(20), "the child is applied");
        Assert.Equal(0, cluster.Faults.Pending);
        var job = await client.BatchV1.ReadNamespacedJobAsync("model-a-train", "default");
        var owner = Assert.Single(job.Metadata.OwnerReferences);
        Assert.True(owner.Controller);
        Assert.Equal("model-a", owner.Name);
        Assert.Contains(job.Metadata.ManagedFields, f => f.Manager == KubeApi.FieldManager && f.Operation == "Apply");

        // A change made to the child by someone else brings the owner back to reconcile.
        var before = log.Count(l => l == "reconcile default/model-a");
        await client.BatchV1.PatchNamespacedJobAsync(
            new V1Patch("""{"metadata":{"labels":{"touched":"yes"}}}""", V1Patch.PatchType.MergePatch), "model-a-train", "default");
        await Poll.UntilAsync(() => log.Count(l => l == "reconcile default/model-a") > before, TimeSpan.FromSeconds(20), "the child change enqueues its owner");

        await cts.CancelAsync();
        await run;
    }

    [Fact]
    public async Task A_change_to_a_watched_kind_enqueues_the_keys_its_map_finds_in_the_controllers_cache()
    {
        await using var cluster = await LocalCluster.StartAsync();
        using var client = new Kubernetes(cluster.ClientConfiguration);
        var log = new ConcurrentQueue<string>();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IKubernetes>(client);
        services.AddSingleton(Metrics.NewCustomRegistry());
        services.AddSingleton(new ControllerOptions { Namespaces = ["default", "other"], Workers = 2 });
        services.AddSingleton(log);
        // ConfigMaps name the Service they route to in data.service; only a change of the Service's spec matters to them.
        services.AddController<V1ConfigMap, LoggingReconciler>().Watches<V1Service>(
            (service, cache) =>
            {
                log.Enqueue($"map {ObjectKey.From(service)}");
                return cache.List(service.Metadata.NamespaceProperty)
                    .Where(c => c.Data is { } data && data.TryGetValue("service", out var name) && name == service.Metadata.Name)
                    .Select(ObjectKey.From);
            },
            e => e.Type != ResourceEventType.Modified || KubernetesJson.Serialize(e.Old?.Spec) != KubernetesJson.Serialize(e.Object.Spec));
        await using var provider = services.BuildServiceProvider();
        var manager = provider.GetRequiredService<ControllerManager>();
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "other" } });
        foreach (var (ns, name, service) in new[] { ("default", "route-a", "api"), ("default", "route-b", "api"), ("default", "unrelated", "web"), ("other", "route-c", "api") })
        {
            await client.CoreV1.CreateNamespacedConfigMapAsync(
                new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns }, Data = new Dictionary<string, string> { ["service"] = service } }, ns);
        }

        using var cts = new CancellationTokenSource();
        var run = manager.RunAsync(cts.Token);
        await Poll.UntilAsync(() => manager.IsSynced && log.Count(l => l.StartsWith("reconcile ", StringComparison.Ordinal)) == 4, TimeSpan.FromSeconds(20), "every ConfigMap is reconciled once");
        int Reconciles(string key) => log.Count(l => l == $"reconcile {key}");

        // A new Service enqueues the ConfigMaps of its namespace that name it, and no other.
        await client.CoreV1.CreateNamespacedServiceAsync(
            new V1Service { Metadata = new V1ObjectMeta { Name = "api", NamespaceProperty = "default" }, Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Port = 80 }] } }, "default");
        await Poll.UntilAsync(() => Reconciles("default/route-a") == 2 && Reconciles("default/route-b") == 2, TimeSpan.FromSeconds(20), "both ConfigMaps naming the new Service are reconciled");

        // A label changes nothing they use: the predicate drops it before the map. The port change after it comes on
        // the same watch, so once that has reconciled them the label change has been seen and dropped.
        await client.CoreV1.PatchNamespacedServiceAsync(new V1Patch("""{"metadata":{"labels":{"touched":"yes"}}}""", V1Patch.PatchType.MergePatch), "api", "default");
        await client.CoreV1.PatchNamespacedServiceAsync(new V1Patch("""{"spec":{"ports":[{"port":8080}]}}""", V1Patch.PatchType.MergePatch), "api", "default");
        await Poll.UntilAsync(() => Reconciles("default/route-a") == 3 && Reconciles("default/route-b") == 3, TimeSpan.FromSeconds(20), "the port change reconciles both");

        // A deletion maps the Service's last state.
        await client.CoreV1.DeleteNamespacedServiceAsync("api", "default");
        await Poll.UntilAsync(() => Reconciles("default/route-a") == 4 && Reconciles("default/route-b") == 4, TimeSpan.FromSeconds(20), "the deletion reconciles both");

        await cts.CancelAsync();
        await run;
        Assert.Equal(3, log.Count(l => l == "map default/api"));
        Assert.Equal(1, Reconciles("default/unrelated"));
        Assert.Equal(1, Reconciles("other/route-c"));
    }

    internal sealed class LoggingReconciler(ConcurrentQueue<string> log) : IReconciler<V1ConfigMap>
    {
        public Task<ReconcileResult> ReconcileAsync(V1ConfigMap entity, CancellationToken cancellationToken)
        {
            log.Enqueue($"reconcile {ObjectKey.From(entity)}");
            return Task.FromResult(ReconcileResult.Done);
        }
    }

    internal sealed class JobOwnerReconciler(KubeApi api, ConcurrentQueue<string> log) : IReconciler<V1ConfigMap>
    {
        public async Task<ReconcileResult> ReconcileAsync(V1ConfigMap entity, CancellationToken cancellationToken)
        {
            var key = ObjectKey.From(entity);
            log.Enqueue($"reconcile {key}");
            await api.ApplyAsync(
                new V1Job
                {
                    Metadata = new V1ObjectMeta
                    {
                        Name = $"{entity.Metadata.Name}-train",
                        NamespaceProperty = entity.Metadata.NamespaceProperty,
                        OwnerReferences =
                        [
                            new V1OwnerReference { ApiVersion = "v1", Kind = "ConfigMap", Name = entity.Metadata.Name, Uid = entity.Metadata.Uid, Controller = true, BlockOwnerDeletion = true },
                        ],
                    },
                    Spec = new V1JobSpec
                    {
                        Template = new V1PodTemplateSpec
                        {
                            Spec = new V1PodSpec { RestartPolicy = "Never", Containers = [new V1Container { Name = "trainer", Image = "flywheel/trainer:test" }] },
                        },
                    },
                },
                cancellationToken);
            log.Enqueue($"applied {key}");
            return ReconcileResult.Done;
        }
    }
}
