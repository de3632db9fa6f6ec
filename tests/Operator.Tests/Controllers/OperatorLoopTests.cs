using Flywheel.Contracts.Artifacts;
using Flywheel.Operator.Api.V1Alpha1;
using Flywheel.Operator.Tests.Controllers.Support;
using Flywheel.Testing;
using k8s;
using k8s.Models;

namespace Flywheel.Operator.Tests.Controllers;

/// <summary>The controllers running together, as the operator runs them, against LocalCluster.</summary>
public sealed class OperatorLoopTests
{
    private static TrainingSummary Trained(string version) => new()
    {
        Succeeded = true,
        VersionDirectory = $"default/churn/{version}",
        SchemaHash = "s1",
        Algorithm = "fastTree",
        Metrics = new Dictionary<string, double> { ["auc"] = 0.9 },
        Trials = 2,
    };

    [Fact]
    public async Task The_loop_converges_through_500s_409s_and_dropped_watches()
    {
        await using var op = await OperatorCluster.StartAsync();
        await using var operatorProcess = new OperatorInstance(op.Cluster.ClientConfiguration, op.Settings);
        op.Cluster.Faults.FailNext("patch", "trainingruns", count: 2, statusCode: 500);
        op.Cluster.Faults.FailNext("patch", "jobs", count: 1, statusCode: 409);
        op.Cluster.Faults.FailNext("patch", "models/status", count: 2, statusCode: 503);

        await op.CreateAsync(OperatorCluster.NewModel());
        var job = await Poll.UntilAsync(() => op.Client.BatchV1.ReadNamespacedJobAsync("churn-initial-g1-train", OperatorCluster.Ns), _ => true, TimeSpan.FromSeconds(30), "the initial run's Job exists", retryOn: OperatorCluster.NotWrittenYet);
        op.Cluster.Faults.DropWatches();

        await Kubelet.FinishJobAsync(op.Client, job.Metadata.Name, Trained(job.Spec.Template.Metadata.Labels["flywheel.dev/version"]));
        var model = await Poll.UntilAsync(() => op.GetAsync<Model>("churn"), m => m.Status?.PromotedVersion == "1.0", TimeSpan.FromSeconds(30), "version 1.0 is promoted");
        Assert.True(model.Status.IsTrue(ConditionTypes.Ready));
        Assert.Equal(0, op.Cluster.Faults.Pending);

        op.Cluster.Faults.DropWatches();
        op.Cluster.Faults.FailNext("patch", "deployments", count: 1, statusCode: 500);
        await op.CreateAsync(new ModelDeployment { Metadata = new V1ObjectMeta { Name = "churn-api" }, Spec = new ModelDeploymentSpec { ModelRef = new ObjectReference { Name = "churn" } }, Status = null! });
        await Poll.UntilAsync(() => op.Client.AppsV1.ReadNamespacedDeploymentAsync("churn-api-inference", OperatorCluster.Ns), _ => true, TimeSpan.FromSeconds(30), "the inference Deployment exists", retryOn: OperatorCluster.NotWrittenYet);
        await Kubelet.RollOutAsync(op.Client, "churn-api-inference");
        var deployment = await Poll.UntilAsync(() => op.GetAsync<ModelDeployment>("churn-api"), d => d.Status?.ServingVersion == "1.0", TimeSpan.FromSeconds(30), "1.0 is served");
        Assert.Equal(1, deployment.Status.ReadyReplicas);

        // Exactly one run and one Job, however many retries and relists happened on the way.
        Assert.Single(await op.RunsAsync());
        Assert.Single((await op.Client.BatchV1.ListNamespacedJobAsync(OperatorCluster.Ns)).Items);
    }

    [Fact]
    public async Task A_bad_spec_is_reconciled_once_not_retried_in_a_storm()
    {
        await using var op = await OperatorCluster.StartAsync();
        await using var operatorProcess = new OperatorInstance(op.Cluster.ClientConfiguration, op.Settings);
        await op.CreateAsync(OperatorCluster.NewModel());
        RetrainPolicy Policy(string name, string cron) => new()
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new RetrainPolicySpec { ModelRef = new ObjectReference { Name = "churn" }, Triggers = new RetrainTriggers { Schedule = new ScheduleTrigger { Cron = cron } } },
            Status = null!,
        };

        await op.CreateAsync(Policy("bad", "0 25 * * *"));
        var bad = await Poll.UntilAsync(() => op.GetAsync<RetrainPolicy>("bad"), p => p.Status?.GetCondition(ConditionTypes.Degraded) is { Status: ConditionStatus.True }, TimeSpan.FromSeconds(30), "the bad policy is Degraded");
        Assert.StartsWith("spec.triggers.schedule.cron", bad.Status.GetCondition(ConditionTypes.Degraded)!.Message, StringComparison.Ordinal);

        // A good policy reconciled after it is the barrier: by then a retry storm would have shown.
        await op.CreateAsync(Policy("good", "0 3 * * *"));
        await Poll.UntilAsync(async () => (await op.GetAsync<RetrainPolicy>("good")).Status?.NextScheduleTime is not null, TimeSpan.FromSeconds(30), "the good policy is evaluated");
        var terminal = operatorProcess.Reconciles("retrainpolicy", "terminal");
        await op.CreateAsync(Policy("good-2", "0 4 * * *"));
        await Poll.UntilAsync(async () => (await op.GetAsync<RetrainPolicy>("good-2")).Status?.NextScheduleTime is not null, TimeSpan.FromSeconds(30), "a second good policy is evaluated");

        // One reconcile for the create and at most one for its own Degraded status write, which writes nothing more.
        Assert.InRange(terminal, 1, 2);
        Assert.Equal(terminal, operatorProcess.Reconciles("retrainpolicy", "terminal"));
        Assert.Equal(0, operatorProcess.Reconciles("retrainpolicy", "error"));
    }

    [Fact]
    public async Task Of_two_operators_one_leads_and_the_other_takes_over_when_it_stops()
    {
        await using var op = await OperatorCluster.StartAsync();
        var first = new OperatorInstance(op.Cluster.ClientConfiguration, op.Settings, identity: "operator-a");
        await using var second = new OperatorInstance(op.Cluster.ClientConfiguration, op.Settings, identity: "operator-b");
        try
        {
            await Poll.UntilAsync(() => first.Election!.IsLeader || second.Election!.IsLeader, TimeSpan.FromSeconds(30), "one operator leads");
            Assert.False(first.Election!.IsLeader && second.Election!.IsLeader);
            var (leader, standby) = first.Election.IsLeader ? (first, second) : (second, first);

            await op.CreateAsync(OperatorCluster.NewModel("first"));
            await Poll.UntilAsync(async () => (await op.RunsAsync()).Any(r => r.Metadata.Name == "first-initial-g1"), TimeSpan.FromSeconds(30), "the leader starts the first model's run");
            Assert.False(standby.Election!.IsLeader);

            await leader.DisposeAsync();
            await Poll.UntilAsync(() => standby.Election.IsLeader, TimeSpan.FromSeconds(20), "the standby takes over");
            await op.CreateAsync(OperatorCluster.NewModel("second"));
            await Poll.UntilAsync(async () => (await op.RunsAsync()).Any(r => r.Metadata.Name == "second-initial-g1"), TimeSpan.FromSeconds(30), "the new leader starts the second model's run");
            Assert.Equal(2, (await op.RunsAsync()).Count);
        }
        finally
        {
            await first.DisposeAsync();
        }
    }
}
