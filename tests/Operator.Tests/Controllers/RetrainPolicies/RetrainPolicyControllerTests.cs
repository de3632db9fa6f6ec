using Flywheel.Operator.Api.V1Alpha1;
using Flywheel.Operator.Runtime.Reconciliation;
using Flywheel.Operator.Tests.Controllers.Support;
using Flywheel.Operator.Tests.Triggers;
using k8s;
using k8s.Models;

namespace Flywheel.Operator.Tests.Controllers.RetrainPolicies;

public sealed class RetrainPolicyControllerTests
{
    private static Task<RetrainPolicy> PolicyAsync(OperatorCluster op, Action<RetrainPolicySpec> edit)
    {
        var policy = new RetrainPolicy
        {
            Metadata = new V1ObjectMeta { Name = "churn-drift" },
            Spec = new RetrainPolicySpec { ModelRef = new ObjectReference { Name = "churn" }, DeploymentRef = new ObjectReference { Name = "churn-api" } },
            Status = null!,
        };
        edit(policy.Spec);
        return op.CreateAsync(policy);
    }

    private static async Task<ReconcileResult> EvaluateAsync(OperatorCluster op, TimeSpan after)
    {
        op.Clock.Advance(after);
        return await op.Policies.ReconcileAsync(await op.GetAsync<RetrainPolicy>("churn-drift"), CancellationToken.None);
    }

    private static async Task FinishAllRunsAsync(OperatorCluster op)
    {
        foreach (var run in await op.RunsAsync())
        {
            run.Status = new TrainingRunStatus { Phase = RunPhase.Failed, Message = "test" };
            await op.Client.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync<TrainingRun>(run, "flywheel.dev", "v1alpha1", OperatorCluster.Ns, "trainingruns", run.Metadata.Name);
        }
    }

    [Fact]
    public async Task Drift_in_the_pods_summaries_starts_one_run_and_the_cooldown_holds_the_next()
    {
        await using var op = await OperatorCluster.StartAsync();
        await using var replicaA = new MonitoringServer();
        await using var replicaB = new MonitoringServer();
        await op.CreateAsync(OperatorCluster.NewModel());
        await PolicyAsync(op, s => { s.Triggers.InputDrift = new InputDriftTrigger { Threshold = 0.2, MinSamples = 500 }; s.Cooldown = "6h"; });
        // Alone neither replica has 500 samples; merged they have 800, drifted towards the first bin.
        replicaA.Summary = Summaries.Replica("a", [380, 20], 0) with { Namespace = OperatorCluster.Ns };
        replicaB.Summary = Summaries.Replica("b", [340, 60], 0) with { Namespace = OperatorCluster.Ns };
        await Kubelet.ReadyInferencePodAsync(op.Client, "churn-api", "1.0", replicaA.Port, "churn-api-inference-a");
        await Kubelet.ReadyInferencePodAsync(op.Client, "churn-api", "1.0", replicaB.Port, "churn-api-inference-b");

        var result = await EvaluateAsync(op, TimeSpan.FromSeconds(1));

        var run = Assert.Single(await op.RunsAsync());
        Assert.Equal(RunReason.InputDrift, run.Spec.Reason);
        Assert.Equal(("churn-drift", "inputDrift", 0.2), (run.Spec.Trigger!.Policy, run.Spec.Trigger.Name, run.Spec.Trigger.Threshold!.Value));
        Assert.Equal(Flywheel.Contracts.Monitoring.DriftMath.Compute(Flywheel.Contracts.Monitoring.DriftMethod.Psi, [720, 80], [0.5, 0.5]), run.Spec.Trigger.Value!.Value, 9);
        Assert.Equal($"churn-input-drift-{op.Clock.GetUtcNow().ToUnixTimeSeconds()}", run.Metadata.Name);
        Assert.Equal("Model", Assert.Single(run.Metadata.OwnerReferences).Kind);
        Assert.Equal(TimeSpan.FromMinutes(1), result.RequeueAfter);
        var policy = await op.GetAsync<RetrainPolicy>("churn-drift");
        var trigger = Assert.Single(policy.Status.Triggers!);
        Assert.Equal((true, 0.2), (trigger.Firing!.Value, trigger.Threshold!.Value));
        Assert.Equal(run.Metadata.Name, policy.Status.LastRun!.Name);
        Assert.Equal(1, op.Counter(Flywheel.Contracts.Metrics.MetricNames.OperatorRetrainTriggers, "default", "churn", "inputDrift"));

        // Still drifting: the run in flight holds the next one (maxConcurrentRuns 1), also after a restart that lost status.
        await EvaluateAsync(op, TimeSpan.FromMinutes(1));
        Assert.Single(await op.RunsAsync());

        // The run finished, but the 6h cooldown has not passed.
        await FinishAllRunsAsync(op);
        await EvaluateAsync(op, TimeSpan.FromHours(2));
        Assert.Single(await op.RunsAsync());
        Assert.Contains("in cooldown until", (await op.GetAsync<RetrainPolicy>("churn-drift")).Status.GetCondition(ConditionTypes.Ready)!.Message, StringComparison.Ordinal);

        await EvaluateAsync(op, TimeSpan.FromHours(4));
        Assert.Equal(2, (await op.RunsAsync()).Count);
    }

    [Fact]
    public async Task A_quiet_policy_writes_nothing_on_later_evaluations()
    {
        await using var op = await OperatorCluster.StartAsync();
        await using var replica = new MonitoringServer { Summary = Summaries.Replica("a", [500, 500], 0) with { Namespace = OperatorCluster.Ns } };
        await op.CreateAsync(OperatorCluster.NewModel());
        await PolicyAsync(op, s => s.Triggers.InputDrift = new InputDriftTrigger { Threshold = 0.2 });
        await Kubelet.ReadyInferencePodAsync(op.Client, "churn-api", "1.0", replica.Port, "churn-api-inference-a");
        await EvaluateAsync(op, TimeSpan.FromSeconds(1));
        Assert.False(Assert.Single((await op.GetAsync<RetrainPolicy>("churn-drift")).Status.Triggers!).Firing);

        op.Writes.Reset();
        await EvaluateAsync(op, TimeSpan.FromMinutes(1));
        await EvaluateAsync(op, TimeSpan.FromMinutes(1));

        Assert.Equal(0, op.Writes.Writes);
        Assert.Empty(await op.RunsAsync());
        Assert.True(replica.Requests >= 3);
    }

    [Fact]
    public async Task A_schedule_run_is_named_after_its_occurrence_so_a_restart_cannot_repeat_it()
    {
        await using var op = await OperatorCluster.StartAsync();
        await op.CreateAsync(OperatorCluster.NewModel());
        await PolicyAsync(op, s => { s.DeploymentRef = null; s.Triggers.Schedule = new ScheduleTrigger { Cron = "0 * * * *" }; });

        var first = await EvaluateAsync(op, TimeSpan.FromMinutes(5));
        Assert.Empty(await op.RunsAsync());
        Assert.Equal(TimeSpan.FromMinutes(55), first.RequeueAfter);

        await EvaluateAsync(op, TimeSpan.FromMinutes(56));
        var run = Assert.Single(await op.RunsAsync());
        Assert.Equal($"churn-schedule-{new DateTimeOffset(2026, 3, 2, 11, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds()}", run.Metadata.Name);

        // A restarted operator with the policy's status lost evaluates the same occurrence: no second run.
        var policy = await op.GetAsync<RetrainPolicy>("churn-drift");
        policy.Status = new RetrainPolicyStatus();
        await FinishAllRunsAsync(op);
        await op.Policies.ReconcileAsync(policy, CancellationToken.None);
        Assert.Single(await op.RunsAsync());
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 12, 0, 0, TimeSpan.Zero), (await op.GetAsync<RetrainPolicy>("churn-drift")).Status.NextScheduleTime);
    }

    [Fact]
    public async Task A_bad_cron_is_degraded_with_the_field_and_not_retried()
    {
        await using var op = await OperatorCluster.StartAsync();
        await op.CreateAsync(OperatorCluster.NewModel());
        await PolicyAsync(op, s => { s.DeploymentRef = null; s.Triggers.Schedule = new ScheduleTrigger { Cron = "61 * * * *" }; });

        var error = await Assert.ThrowsAsync<TerminalReconcileException>(() => EvaluateAsync(op, TimeSpan.FromSeconds(1)));

        Assert.StartsWith("spec.triggers.schedule.cron", error.Message, StringComparison.Ordinal);
        var degraded = (await op.GetAsync<RetrainPolicy>("churn-drift")).Status.GetCondition(ConditionTypes.Degraded)!;
        Assert.Equal((ConditionStatus.True, "InvalidSpec"), (degraded.Status, degraded.Reason));
        Assert.StartsWith("spec.triggers.schedule.cron: \"61 * * * *\"", degraded.Message, StringComparison.Ordinal);
        Assert.Empty(await op.RunsAsync());
    }
}
