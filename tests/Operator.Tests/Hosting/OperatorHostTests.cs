using System.Net;
using Flywheel.ApiServer;
using Flywheel.Contracts.Metrics;
using Flywheel.Operator.Hosting;
using Flywheel.Operator.Runtime.Controllers;
using Flywheel.Operator.Runtime.Reconciliation;
using Flywheel.Testing;
using k8s;
using k8s.Models;

namespace Flywheel.Operator.Tests.Hosting;

public sealed class OperatorHostTests
{
    [Fact]
    public async Task Serves_health_readiness_and_metrics_while_leading_a_local_cluster()
    {
        await using var cluster = await LocalCluster.StartAsync();
        using (var client = new Kubernetes(cluster.ClientConfiguration))
        {
            await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "seen" } }, "default");
        }

        var port = Ports.Free();
        await using var app = OperatorHost.Build(
            [$"--Port={port}", "--LeaderElection:LeaseNamespace=default", "--Namespaces:0=default", "--LeaderElection:LeaseDurationSeconds=3", "--LeaderElection:RenewDeadlineSeconds=2", "--LeaderElection:RetryPeriodSeconds=0.2"],
            (services, _) => services.AddController<V1ConfigMap, NoopReconciler>(),
            cluster.ClientConfiguration);
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        Assert.Equal("ok", await http.GetStringAsync("/healthz"));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        HttpResponseMessage ready;
        while ((ready = await http.GetAsync("/readyz")).StatusCode != HttpStatusCode.OK || await ready.Content.ReadAsStringAsync() != "ok")
        {
            Assert.True(DateTime.UtcNow < deadline, "the operator did not become ready (leader with synced caches)");
            await Task.Delay(50);
        }

        string metrics;
        do
        {
            metrics = await http.GetStringAsync("/metrics");
            Assert.True(DateTime.UtcNow < deadline, "no reconcile appeared in /metrics");
            await Task.Delay(50);
        }
        while (!metrics.Contains($"{MetricNames.OperatorReconciles.Name}{{controller=\"configmap\",result=\"success\"}}", StringComparison.Ordinal));

        Assert.Contains(MetricNames.OperatorReconcileDuration.Name, metrics, StringComparison.Ordinal);
        await app.StopAsync();
    }

    internal sealed class NoopReconciler : IReconciler<V1ConfigMap>
    {
        public Task<ReconcileResult> ReconcileAsync(V1ConfigMap entity, CancellationToken cancellationToken) =>
            Task.FromResult(ReconcileResult.Done);
    }
}
