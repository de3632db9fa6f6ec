using Flywheel.Contracts.Artifacts;
using Flywheel.Operator.Builders;
using Flywheel.Operator.Api.V1Alpha1;
using Flywheel.Operator.Controllers.Models;
using Flywheel.Operator.Tests.Controllers.Support;
using k8s;
using k8s.Models;
using FeatureType = Flywheel.Operator.Api.V1Alpha1.FeatureType;

namespace Flywheel.Operator.Tests.Controllers.Models;

public sealed class ModelControllerTests
{
    private static TrainingSummary Trained(string dir, double auc, string schema = "s1") => new()
    {
        Succeeded = true,
        VersionDirectory = dir,
        SchemaHash = schema,
        Algorithm = "fastTree",
        Metrics = new Dictionary<string, double> { ["auc"] = auc },
        Trials = 1,
    };

    /// <summary>Runs a TrainingRun to completion with <paramref name="summary"/> and lets the Model register it.</summary>
    private static async Task TrainAsync(OperatorCluster op, string runName, Func<string, TrainingSummary> summary)
    {
        // Time passes between runs, as it does between the events they record.
        op.Clock.Advance(TimeSpan.FromMinutes(1));
        await op.Runs.ReconcileAsync(await op.GetAsync<TrainingRun>(runName), CancellationToken.None);
        var job = await op.Client.BatchV1.ReadNamespacedJobAsync(runName + "-train", OperatorCluster.Ns);
        var version = job.Spec.Template.Metadata.Labels["flywheel.dev/version"];
        await Kubelet.FinishJobAsync(op.Client, job.Metadata.Name, summary(version));
        await op.Runs.ReconcileAsync(await op.GetAsync<TrainingRun>(runName), CancellationToken.None);
        await op.Models.ReconcileAsync(await op.GetAsync<Model>("churn"), CancellationToken.None);
    }

    private static async Task<string> RetrainAsync(OperatorCluster op, string name, Model model)
    {
        await op.Client.CustomObjects.CreateNamespacedCustomObjectAsync(
            TrainingRunBuilder.Build(model, name, RunReason.Manual, null), "flywheel.dev", "v1alpha1", OperatorCluster.Ns, "trainingruns");
        return name;
    }

    [Fact]
    public async Task Versions_go_one_point_zero_then_minor_then_major_and_the_gate_decides_promotion()
    {
        await using var op = await OperatorCluster.StartAsync();
        var model = await op.CreateAsync(OperatorCluster.NewModel(edit: s => s.Promotion = new PromotionSpec { MustBeatCurrentBy = 0.01 }));
        await op.Models.ReconcileAsync(model, CancellationToken.None);

        await TrainAsync(op, "churn-initial-g1", v => Trained($"default/churn/{v}", 0.80));
        model = await op.GetAsync<Model>("churn");
        Assert.Equal(("1.0", "1.0", "auc=0.8"), (model.Status.PromotedVersion, model.Status.LatestVersion, model.Status.Metric));
        Assert.Contains(ModelReconciler.Finalizer, model.Metadata.Finalizers);

        // A retrain on the same schema that does not beat 1.0 by 0.01: 1.1, rejected.
        await TrainAsync(op, await RetrainAsync(op, "churn-manual-1", model), v => Trained($"default/churn/{v}", 0.805));
        model = await op.GetAsync<Model>("churn");
        Assert.Equal(("1.0", "1.1"), (model.Status.PromotedVersion, model.Status.LatestVersion));
        Assert.Equal(VersionPhase.Rejected, model.Status.FindVersion("1.1")!.Phase);
        Assert.Contains(await op.EventsAsync("churn"), e => e.Reason == "PromotionRejected");

        // A new feature changes the schema: 2.0, and it beats 1.0.
        model.Spec.Data.Features = [new FeatureSpec { Name = "tenure", Type = FeatureType.Numeric }];
        model = await op.Client.CustomObjects.ReplaceNamespacedCustomObjectAsync<Model>(model, "flywheel.dev", "v1alpha1", OperatorCluster.Ns, "models", "churn");
        await TrainAsync(op, await RetrainAsync(op, "churn-manual-2", model), v => Trained($"default/churn/{v}", 0.90, schema: "s2"));
        model = await op.GetAsync<Model>("churn");
        Assert.Equal("2.0", model.Status.PromotedVersion);
        Assert.Equal(["1.0", "1.1", "2.0"], model.Status.Versions!.Select(v => v.Version));
        Assert.Equal([VersionPhase.Retired, VersionPhase.Rejected, VersionPhase.Promoted], model.Status.Versions!.Select(v => v.Phase!.Value));
        Assert.True(model.Status.IsTrue(ConditionTypes.Ready));
        Assert.Equal(model.Metadata.Generation, model.Status.ObservedGeneration);
        Assert.Equal(2, op.Counter(Flywheel.Contracts.Metrics.MetricNames.OperatorPromotions, "default", "churn"));
        Assert.Equal(1, op.Counter(Flywheel.Contracts.Metrics.MetricNames.OperatorPromotionRejections, "default", "churn", "DidNotBeatCurrent"));
        Assert.Equal(3, op.Counter(Flywheel.Contracts.Metrics.MetricNames.OperatorTrainingRuns, "default", "churn", "Succeeded"));

        // Steady state: nothing to write.
        op.Writes.Reset();
        await op.Models.ReconcileAsync(model, CancellationToken.None);
        Assert.Equal(0, op.Writes.Writes);
    }

    [Fact]
    public async Task Manual_mode_waits_for_the_approval_annotation()
    {
        await using var op = await OperatorCluster.StartAsync();
        var model = await op.CreateAsync(OperatorCluster.NewModel(edit: s => s.Promotion = new PromotionSpec { Mode = PromotionMode.Manual }));
        await op.Models.ReconcileAsync(model, CancellationToken.None);
        await TrainAsync(op, "churn-initial-g1", v => Trained($"default/churn/{v}", 0.8));

        model = await op.GetAsync<Model>("churn");
        Assert.Null(model.Status.PromotedVersion);
        Assert.Equal(VersionPhase.Candidate, model.Status.FindVersion("1.0")!.Phase);
        Assert.Single(await op.RunsAsync());

        await op.Client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch("""{"metadata":{"annotations":{"flywheel.dev/approved-version":"1.0"}}}""", V1Patch.PatchType.MergePatch),
            "flywheel.dev", "v1alpha1", OperatorCluster.Ns, "models", "churn");
        await op.Models.ReconcileAsync(await op.GetAsync<Model>("churn"), CancellationToken.None);

        Assert.Equal("1.0", (await op.GetAsync<Model>("churn")).Status.PromotedVersion);
    }

    [Fact]
    public async Task Retention_deletes_old_artifacts_but_spares_served_ones_and_the_finalizer_cleans_up()
    {
        await using var op = await OperatorCluster.StartAsync();
        var model = await op.CreateAsync(OperatorCluster.NewModel(edit: s => s.VersionsToKeep = 2));
        await op.Models.ReconcileAsync(model, CancellationToken.None);
        string Artifact(string v)
        {
            var dir = Path.Combine(op.StoreRoot, "default", "churn", v);
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, "model.onnx"), v);
            return dir;
        }

        await TrainAsync(op, "churn-initial-g1", v => { Artifact(v); return Trained($"default/churn/{v}", 0.80); });
        await op.CreateAsync(new ModelDeployment { Metadata = new V1ObjectMeta { Name = "pinned" }, Spec = new ModelDeploymentSpec { ModelRef = new ObjectReference { Name = "churn" }, Version = "1.0" }, Status = null! });
        for (var i = 1; i <= 3; i++)
        {
            var auc = 0.80 + (0.01 * i);
            await TrainAsync(op, await RetrainAsync(op, $"churn-manual-{i}", await op.GetAsync<Model>("churn")), v => { Artifact(v); return Trained($"default/churn/{v}", auc); });
        }

        model = await op.GetAsync<Model>("churn");
        Assert.Equal("1.3", model.Status.PromotedVersion);
        Assert.Equal(["1.0", "1.3"], model.Status.Versions!.Select(v => v.Version));
        Assert.True(Directory.Exists(Path.Combine(op.StoreRoot, "default", "churn", "1.0")));
        Assert.False(Directory.Exists(Path.Combine(op.StoreRoot, "default", "churn", "1.1")));
        Assert.False(Directory.Exists(Path.Combine(op.StoreRoot, "default", "churn", "1.2")));

        await op.Client.CustomObjects.DeleteNamespacedCustomObjectAsync("flywheel.dev", "v1alpha1", OperatorCluster.Ns, "models", "churn");
        await op.Models.ReconcileAsync(await op.GetAsync<Model>("churn"), CancellationToken.None);

        Assert.False(Directory.Exists(Path.Combine(op.StoreRoot, "default", "churn")));
        var gone = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => op.GetAsync<Model>("churn"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, gone.Response.StatusCode);
    }
}
