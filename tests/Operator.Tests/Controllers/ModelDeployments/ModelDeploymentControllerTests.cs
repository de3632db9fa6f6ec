using Flywheel.Operator.Api.V1Alpha1;
using Flywheel.Operator.Builders;
using Flywheel.Operator.Tests.Controllers.Support;
using Flywheel.Operator.Tests.Triggers;
using k8s;
using k8s.Models;

namespace Flywheel.Operator.Tests.Controllers.ModelDeployments;

public sealed class ModelDeploymentControllerTests
{
    /// <summary>A Model with versions 1.0 and 1.1 registered and <paramref name="promoted"/> promoted, as the Model controller leaves it.</summary>
    private static async Task<Model> ModelWithVersionsAsync(OperatorCluster op, string? promoted)
    {
        var model = await op.CreateAsync(OperatorCluster.NewModel());
        model.Status = new ModelStatus { PromotedVersion = promoted, LatestVersion = "1.1" };
        model.Status.SetVersion(new ModelVersionStatus { Version = "1.0", Phase = VersionPhase.Retired });
        model.Status.SetVersion(new ModelVersionStatus { Version = "1.1", Phase = promoted == "1.1" ? VersionPhase.Promoted : VersionPhase.Candidate });
        return await op.Client.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync<Model>(model, "flywheel.dev", "v1alpha1", OperatorCluster.Ns, "models", "churn");
    }

    private static Task<ModelDeployment> DeploymentAsync(OperatorCluster op, Action<ModelDeploymentSpec>? edit = null)
    {
        var deployment = new ModelDeployment { Metadata = new V1ObjectMeta { Name = "churn-api" }, Spec = new ModelDeploymentSpec { ModelRef = new ObjectReference { Name = "churn" } }, Status = null! };
        edit?.Invoke(deployment.Spec);
        return op.CreateAsync(deployment);
    }

    /// <summary>
    /// 1.0 serves under <paramref name="analysis"/>; then 1.1 is promoted and rolls out while its pod reports
    /// <paramref name="summary"/>, and the deployment is reconciled once more.
    /// </summary>
    private static async Task RollOutWithSummaryAsync(OperatorCluster op, MonitoringServer pod, AnalysisSpec analysis, Flywheel.Contracts.Monitoring.MonitoringSummary summary)
    {
        var model = await ModelWithVersionsAsync(op, promoted: "1.0");
        await DeploymentAsync(op, s => s.Rollout = new RolloutSpec { Analysis = analysis });
        await ReconcileAsync(op);
        await Kubelet.RollOutAsync(op.Client, "churn-api-inference");
        await ReconcileAsync(op);

        model.Status.PromotedVersion = "1.1";
        await op.Client.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync<Model>(model, "flywheel.dev", "v1alpha1", OperatorCluster.Ns, "models", "churn");
        await ReconcileAsync(op);
        pod.Summary = summary with { Model = "churn", Namespace = OperatorCluster.Ns };
        await Kubelet.ReadyInferencePodAsync(op.Client, "churn-api", "1.1", pod.Port, "churn-api-inference-1");
        await Kubelet.RollOutAsync(op.Client, "churn-api-inference");
        await ReconcileAsync(op);
    }

    private static async Task ReconcileAsync(OperatorCluster op)
    {
        op.Clock.Advance(TimeSpan.FromSeconds(1));
        await op.Deployments.ReconcileAsync(await op.GetAsync<ModelDeployment>("churn-api"), CancellationToken.None);
    }

    private static async Task<string> TemplateVersionAsync(OperatorCluster op) =>
        (await op.Client.AppsV1.ReadNamespacedDeploymentAsync("churn-api-inference", OperatorCluster.Ns)).Spec.Template.Metadata.Labels[ChildMetadata.VersionLabel];

    [Fact]
    public async Task Without_a_promoted_version_it_waits_and_says_so()
    {
        await using var op = await OperatorCluster.StartAsync();
        await ModelWithVersionsAsync(op, promoted: null);
        await DeploymentAsync(op);

        await ReconcileAsync(op);

        var deployment = await op.GetAsync<ModelDeployment>("churn-api");
        var progressing = deployment.Status.GetCondition(ConditionTypes.Progressing)!;
        Assert.Equal((ConditionStatus.True, "waiting for a promoted version"), (progressing.Status, progressing.Message));
        Assert.Empty((await op.Client.AppsV1.ListNamespacedDeploymentAsync(OperatorCluster.Ns)).Items);
    }

    [Fact]
    public async Task Serves_the_promoted_version_moves_servingVersion_when_ready_and_rolls_back_by_pinning()
    {
        await using var op = await OperatorCluster.StartAsync();
        await ModelWithVersionsAsync(op, promoted: "1.1");
        await DeploymentAsync(op, s => s.Autoscaling = new AutoscalingSpec { Engine = AutoscalingEngine.Hpa, Metric = ScalingMetric.Inflight, Target = 4 });

        await ReconcileAsync(op);
        var deployment = await op.GetAsync<ModelDeployment>("churn-api");
        Assert.Null(deployment.Status.ServingVersion);
        Assert.Equal("1.1", await TemplateVersionAsync(op));
        var live = await op.Client.AppsV1.ReadNamespacedDeploymentAsync("churn-api-inference", OperatorCluster.Ns);
        // The autoscaler owns the count: the operator's apply does not set spec.replicas (the server defaults it).
        var applied = Assert.Single(live.Metadata.ManagedFields, f => f.Manager == "flywheel-operator");
        Assert.DoesNotContain("f:replicas", k8s.KubernetesJson.Serialize(applied.FieldsV1), StringComparison.Ordinal);
        Assert.Contains("f:strategy", k8s.KubernetesJson.Serialize(applied.FieldsV1), StringComparison.Ordinal);
        var hpa = await op.Client.AutoscalingV2.ReadNamespacedHorizontalPodAutoscalerAsync("churn-api-inference", OperatorCluster.Ns);
        Assert.Equal("flywheel_inference_inflight_requests", hpa.Spec.Metrics[0].Pods.Metric.Name);
        Assert.Equal("ClusterIP", (await op.Client.CoreV1.ReadNamespacedServiceAsync("churn-api-inference", OperatorCluster.Ns)).Spec.Type);

        await Kubelet.RollOutAsync(op.Client, "churn-api-inference", replicas: 2);
        await ReconcileAsync(op);
        deployment = await op.GetAsync<ModelDeployment>("churn-api");
        Assert.Equal(("1.1", 2, 2), (deployment.Status.ServingVersion, deployment.Status.ReadyReplicas!.Value, deployment.Status.Replicas!.Value));
        Assert.True(deployment.Status.IsTrue(ConditionTypes.Ready));
        Assert.Equal("flywheel.dev/deployment=churn-api", deployment.Status.Selector);

        // Steady state: a reconcile with nothing new writes nothing.
        op.Writes.Reset();
        await op.Deployments.ReconcileAsync(deployment, CancellationToken.None);
        Assert.Equal(0, op.Writes.Writes);

        // Pinning the older version is the rollback: a rolling update, and servingVersion moves once its pods are ready.
        deployment.Spec.Version = "1.0";
        await op.Client.CustomObjects.ReplaceNamespacedCustomObjectAsync<ModelDeployment>(deployment, "flywheel.dev", "v1alpha1", OperatorCluster.Ns, "modeldeployments", "churn-api");
        await ReconcileAsync(op);
        Assert.Equal("1.0", await TemplateVersionAsync(op));
        Assert.Equal("1.1", (await op.GetAsync<ModelDeployment>("churn-api")).Status.ServingVersion);

        await Kubelet.RollOutAsync(op.Client, "churn-api-inference", replicas: 2);
        await ReconcileAsync(op);
        deployment = await op.GetAsync<ModelDeployment>("churn-api");
        Assert.Equal(("1.0", "1.1", "Pinned"), (deployment.Status.ServingVersion, deployment.Status.PreviousVersion, deployment.Status.History![^1].Reason));
    }

    [Fact]
    public async Task A_new_version_that_breaks_minAccuracy_within_the_window_is_rolled_back()
    {
        await using var op = await OperatorCluster.StartAsync();
        await using var pod = new MonitoringServer();

        // 1.1's pod reports 50% live accuracy over 40 labelled predictions.
        await RollOutWithSummaryAsync(op, pod, new AnalysisSpec { Window = "10m", MinAccuracy = 0.8 }, Summaries.Replica("churn-api-1", [50, 50], 0, labeled: 40, correct: 20, version: "1.1"));

        var deployment = await op.GetAsync<ModelDeployment>("churn-api");
        Assert.Equal("1.0", deployment.Status.ServingVersion);
        Assert.Equal("1.0", await TemplateVersionAsync(op));
        Assert.Equal("RolledBack from 1.1: live accuracy 0.5 is below minAccuracy 0.8", deployment.Status.History![^1].Reason);
        var degraded = deployment.Status.GetCondition(ConditionTypes.Degraded)!;
        Assert.Equal((ConditionStatus.True, "RolledBack"), (degraded.Status, degraded.Reason));
        Assert.Contains(await op.EventsAsync("churn-api"), e => e.Reason == "RolledBack" && e.Type == "Warning");
        Assert.Equal(1, op.Counter(Flywheel.Contracts.Metrics.MetricNames.OperatorRollbacks, "default", "churn", "AnalysisFailed"));

        // The rollback sticks while 1.1 stays the promoted version.
        await ReconcileAsync(op);
        Assert.Equal("1.0", await TemplateVersionAsync(op));
        Assert.Equal("1.0", (await op.GetAsync<ModelDeployment>("churn-api")).Status.ServingVersion);
    }

    [Theory]
    [InlineData("errors", "RolledBack from 1.1: error rate 0.1 is above maxErrorRate 0.05")]
    [InlineData("latency", "RolledBack from 1.1: p99 latency 910 ms is above maxP99LatencyMilliseconds 250")]
    [InlineData("few", null)]
    public async Task Without_prometheus_a_new_version_breaking_the_error_or_latency_limit_in_its_pods_summaries_is_rolled_back(string limit, string? reason)
    {
        await using var op = await OperatorCluster.StartAsync();
        await using var pod = new MonitoringServer();
        var analysis = limit == "errors" ? new AnalysisSpec { Window = "10m", MaxErrorRate = 0.05 } : new AnalysisSpec { Window = "10m", MaxP99LatencyMilliseconds = 250 };

        // 1.1's pod reports its last minutes of requests: 10 % server errors, or a p99 of 910 ms
        // (10 of 100 requests between 100 ms and 1 s: the 99th is the 9th of them, at 0.1 + 0.9 × 0.9 s).
        // "few": the first three requests, two of them failed: too little to judge a version on.
        var requests = limit switch
        {
            "errors" => new Flywheel.Contracts.Monitoring.RequestWindow { WindowSeconds = 300, Outcomes = new Dictionary<string, long> { ["success"] = 90, ["server_error"] = 6, ["unavailable"] = 4, ["client_error"] = 0 }, LatencyBounds = [0.01, 0.1, 1], LatencyCounts = [100, 0, 0, 0] },
            "latency" => new Flywheel.Contracts.Monitoring.RequestWindow { WindowSeconds = 300, Outcomes = new Dictionary<string, long> { ["success"] = 100 }, LatencyBounds = [0.01, 0.1, 1], LatencyCounts = [50, 40, 10, 0] },
            _ => new Flywheel.Contracts.Monitoring.RequestWindow { WindowSeconds = 300, Outcomes = new Dictionary<string, long> { ["success"] = 1, ["server_error"] = 2 }, LatencyBounds = [0.01, 0.1, 1], LatencyCounts = [1, 0, 0, 2] },
        };
        await RollOutWithSummaryAsync(op, pod, analysis, Summaries.Replica("churn-api-1", [50, 50], 0, version: "1.1") with { Requests = requests });

        var deployment = await op.GetAsync<ModelDeployment>("churn-api");
        if (reason is null)
        {
            Assert.Equal("1.1", deployment.Status.ServingVersion);
            Assert.Equal("1.1", await TemplateVersionAsync(op));
            return;
        }

        Assert.Equal("1.0", deployment.Status.ServingVersion);
        Assert.Equal("1.0", await TemplateVersionAsync(op));
        Assert.Equal(reason, deployment.Status.History![^1].Reason);
    }

    [Fact]
    public async Task Turning_autoscaling_off_removes_the_HPA_and_gives_the_count_back_to_the_Deployment()
    {
        await using var op = await OperatorCluster.StartAsync();
        await ModelWithVersionsAsync(op, promoted: "1.1");
        var deployment = await DeploymentAsync(op, s => s.Autoscaling = new AutoscalingSpec { Engine = AutoscalingEngine.Hpa });
        await ReconcileAsync(op);
        Assert.Single((await op.Client.AutoscalingV2.ListNamespacedHorizontalPodAutoscalerAsync(OperatorCluster.Ns)).Items);

        deployment = await op.GetAsync<ModelDeployment>("churn-api");
        deployment.Spec.Autoscaling = new AutoscalingSpec { Engine = AutoscalingEngine.None };
        deployment.Spec.Replicas = 3;
        await op.Client.CustomObjects.ReplaceNamespacedCustomObjectAsync<ModelDeployment>(deployment, "flywheel.dev", "v1alpha1", OperatorCluster.Ns, "modeldeployments", "churn-api");
        await ReconcileAsync(op);

        Assert.Empty((await op.Client.AutoscalingV2.ListNamespacedHorizontalPodAutoscalerAsync(OperatorCluster.Ns)).Items);
        Assert.Equal(3, (await op.Client.AppsV1.ReadNamespacedDeploymentAsync("churn-api-inference", OperatorCluster.Ns)).Spec.Replicas);
    }

    [Fact]
    public async Task Keda_without_its_CRD_is_degraded_with_the_fix()
    {
        await using var op = await OperatorCluster.StartAsync();
        await ModelWithVersionsAsync(op, promoted: "1.1");
        await DeploymentAsync(op, s => s.Autoscaling = new AutoscalingSpec { Engine = AutoscalingEngine.Keda });

        await ReconcileAsync(op);

        var degraded = (await op.GetAsync<ModelDeployment>("churn-api")).Status.GetCondition(ConditionTypes.Degraded)!;
        Assert.Equal(ConditionStatus.True, degraded.Status);
        Assert.StartsWith("KEDA not installed", degraded.Message, StringComparison.Ordinal);
        Assert.Equal("1.1", await TemplateVersionAsync(op));
    }
}
