using Flywheel.Operator.Api.V1Alpha1;
using Flywheel.Operator.Tests.Controllers.Support;
using Flywheel.Operator.Triggers;
using Flywheel.Testing;
using k8s.Models;

namespace Flywheel.Operator.Tests.Triggers;

public sealed class PrometheusClientTests
{
    private const string Exposition = """
        # TYPE flywheel_input_drift gauge
        flywheel_input_drift{namespace="default",model="churn",version="1.0",feature="tenure",method="psi"} 0.35
        flywheel_input_drift{namespace="default",model="churn",version="1.0",feature="plan",method="psi"} 0.05
        flywheel_input_drift{namespace="default",model="other",version="1.0",feature="tenure",method="psi"} 0.9
        # TYPE flywheel_monitoring_window_samples gauge
        flywheel_monitoring_window_samples{namespace="default",model="churn",version="1.0"} 800

        """;

    private static async Task<double?> WhenScrapedAsync(PrometheusClient client, string promql)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (await client.QueryAsync(promql, CancellationToken.None) is not { } value)
        {
            Assert.True(DateTime.UtcNow < deadline, $"Prometheus never had a value for {promql}");
            await Task.Delay(100);
        }

        return await client.QueryAsync(promql, CancellationToken.None);
    }

    [Fact]
    public async Task Generated_queries_read_the_contract_metrics_from_a_real_Prometheus_and_a_drift_policy_fires()
    {
        await using var prometheus = await PrometheusFixture.StartAsync();
        prometheus.Exposition = Exposition;
        using var http = new HttpClient();
        var client = new PrometheusClient(http, new Uri(prometheus.Url + "/"), TimeProvider.System);

        Assert.Equal(0.35, await WhenScrapedAsync(client, PrometheusQueries.InputDrift("default", "churn", DriftMethod.Psi, null)));
        Assert.Equal(0.05, await client.QueryAsync(PrometheusQueries.InputDrift("default", "churn", DriftMethod.Psi, ["plan"]), CancellationToken.None));
        Assert.Equal(800, await client.QueryAsync(PrometheusQueries.WindowSamples("default", "churn"), CancellationToken.None));
        Assert.Null(await client.QueryAsync(PrometheusQueries.InputDrift("default", "churn", DriftMethod.Wasserstein, null), CancellationToken.None));
        var bad = await Assert.ThrowsAsync<PromQlException>(() => client.QueryAsync("max(flywheel_input_drift", CancellationToken.None));
        Assert.Contains("Prometheus rejected the query", bad.Message, StringComparison.Ordinal);

        // The same source drives a policy: the drift trigger fires from Prometheus.
        await using var op = await OperatorCluster.StartAsync(prometheusUrl: prometheus.Url);
        await op.CreateAsync(OperatorCluster.NewModel());
        await op.CreateAsync(new RetrainPolicy
        {
            Metadata = new V1ObjectMeta { Name = "drift" },
            Spec = new RetrainPolicySpec
            {
                ModelRef = new ObjectReference { Name = "churn" },
                DeploymentRef = new ObjectReference { Name = "churn-api" },
                Triggers = new RetrainTriggers
                {
                    InputDrift = new InputDriftTrigger { Threshold = 0.2, MinSamples = 500 },
                    Custom = [new CustomTrigger { Name = "broken", Promql = "sum(", Threshold = 1 }],
                },
            },
            Status = null!,
        });
        await op.Policies.ReconcileAsync(await op.GetAsync<RetrainPolicy>("drift"), CancellationToken.None);

        var run = Assert.Single(await op.RunsAsync());
        Assert.Equal((RunReason.InputDrift, 0.35), (run.Spec.Reason, run.Spec.Trigger!.Value!.Value));
        var broken = (await op.GetAsync<RetrainPolicy>("drift")).Status.Triggers!.Single(t => t.Name == "broken");
        Assert.False(broken.Firing);
        Assert.StartsWith("Prometheus rejected the query sum(", broken.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_Prometheus_degrades_the_policy_and_fires_nothing()
    {
        var url = $"http://127.0.0.1:{Ports.Free()}";
        await using var op = await OperatorCluster.StartAsync(prometheusUrl: url);
        await op.CreateAsync(OperatorCluster.NewModel());
        await op.CreateAsync(new RetrainPolicy
        {
            Metadata = new V1ObjectMeta { Name = "drift" },
            Spec = new RetrainPolicySpec
            {
                ModelRef = new ObjectReference { Name = "churn" },
                DeploymentRef = new ObjectReference { Name = "churn-api" },
                Triggers = new RetrainTriggers { Accuracy = new AccuracyTrigger { Minimum = 0.8 } },
            },
            Status = null!,
        });

        await op.Policies.ReconcileAsync(await op.GetAsync<RetrainPolicy>("drift"), CancellationToken.None);

        var policy = await op.GetAsync<RetrainPolicy>("drift");
        var degraded = policy.Status.GetCondition(ConditionTypes.Degraded)!;
        Assert.Equal((ConditionStatus.True, "PrometheusUnreachable"), (degraded.Status, degraded.Reason));
        Assert.StartsWith($"Prometheus unreachable: {url}/", degraded.Message, StringComparison.Ordinal);
        Assert.Empty(await op.RunsAsync());
    }
}
