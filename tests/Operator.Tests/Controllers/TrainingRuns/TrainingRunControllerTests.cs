using Flywheel.Contracts.Artifacts;
using Flywheel.Operator.Api.V1Alpha1;
using Flywheel.Operator.Builders;
using Flywheel.Operator.Tests.Controllers.Support;
using k8s;

namespace Flywheel.Operator.Tests.Controllers.TrainingRuns;

public sealed class TrainingRunControllerTests
{
    private static readonly TrainingSummary Success = new()
    {
        Succeeded = true,
        VersionDirectory = "default/churn/1.0",
        Sha256 = new string('a', 64),
        SchemaHash = "schema-1",
        DataDigest = "sha256:data",
        Algorithm = "fastTree",
        Metrics = new Dictionary<string, double> { ["auc"] = 0.91, ["accuracy"] = 0.85 },
        Trials = 4,
    };

    /// <summary>Creates the Model, lets it start its initial run, and returns that run as stored.</summary>
    private static async Task<TrainingRun> InitialRunAsync(OperatorCluster op, Action<ModelSpec>? edit = null)
    {
        var model = await op.CreateAsync(OperatorCluster.NewModel(edit: edit));
        await op.Models.ReconcileAsync(model, CancellationToken.None);
        return Assert.Single(await op.RunsAsync());
    }

    [Fact]
    public async Task A_run_creates_one_Job_follows_it_and_records_the_trainers_summary()
    {
        await using var op = await OperatorCluster.StartAsync();
        var run = await InitialRunAsync(op, s => s.Training.Resources = new ComputeResources { Gpu = 1 });
        Assert.Equal("churn-initial-g1", run.Metadata.Name);
        Assert.Equal(RunReason.Initial, run.Spec.Reason);

        await op.Runs.ReconcileAsync(run, CancellationToken.None);

        var job = await op.Client.BatchV1.ReadNamespacedJobAsync("churn-initial-g1-train", OperatorCluster.Ns);
        Assert.Equal("1.0", job.Spec.Template.Metadata.Labels[ChildMetadata.VersionLabel]);
        Assert.Equal("1", job.Spec.Template.Spec.Containers[0].Resources.Limits["nvidia.com/gpu"].ToString());
        Assert.Equal("TrainingRun", Assert.Single(job.Metadata.OwnerReferences).Kind);
        var spec = await op.Client.CoreV1.ReadNamespacedConfigMapAsync("churn-initial-g1-spec", OperatorCluster.Ns);
        Assert.Equal("1.0", (string?)System.Text.Json.Nodes.JsonNode.Parse(spec.Data["spec.json"])!["model"]!["version"]);
        run = await op.GetAsync<TrainingRun>(run.Metadata.Name);
        Assert.Equal((RunPhase.Pending, "churn-initial-g1-train"), (run.Status.Phase!.Value, run.Status.JobName));

        // The trainer wrote the version's manifest into the model store the operator mounts.
        var versionDir = Directory.CreateDirectory(Path.Combine(op.StoreRoot, "default", "churn", "1.0")).FullName;
        await File.WriteAllTextAsync(Path.Combine(versionDir, "manifest.json"), $$$"""
            {"schemaHash": "schema-1", "onnx": {"sha256": "{{{new string('b', 64)}}}"},
             "selection": {"algorithm": "fastTree", "hyperparameters": {"numberOfTrees": "50", "learningRate": "0.1"}},
             "candidates": [{"algorithm": "fastTree", "trials": [
               {"parameters": {"numberOfTrees": "20"}, "metrics": {"auc": 0.88}, "trainingSeconds": 1.5},
               {"parameters": {"numberOfTrees": "50"}, "metrics": {"auc": 0.91}, "trainingSeconds": 2.5}]}]}
            """);
        await Kubelet.FinishJobAsync(op.Client, "churn-initial-g1-train", Success);
        await op.Runs.ReconcileAsync(await op.GetAsync<TrainingRun>(run.Metadata.Name), CancellationToken.None);

        run = await op.GetAsync<TrainingRun>(run.Metadata.Name);
        Assert.Equal(RunPhase.Succeeded, run.Status.Phase);
        Assert.Equal("1.0", run.Status.ProducedVersion);
        Assert.Equal("auc=0.91", run.Status.Metric);
        Assert.Equal("pvc://store/default/churn/1.0", run.Status.ArtifactUri);
        Assert.Equal(0.91, run.Status.Best!.Metrics!["auc"]);
        Assert.Equal(Algorithm.FastTree, run.Status.Best.Algorithm);
        Assert.True(run.Status.IsTrue(ConditionTypes.Ready));
        Assert.Equal([0.88, 0.91], run.Status.Trials!.Select(t => t.Metrics!["auc"]));
        Assert.Equal([1.5, 2.5], run.Status.Trials!.Select(t => t.DurationSeconds!.Value));
        Assert.Equal(50, run.Status.Best.Params!["numberOfTrees"].GetInt32());

        // The Model registers the version with the model file's digest and the schema hash from the manifest.
        await op.Models.ReconcileAsync(await op.GetAsync<Model>("churn"), CancellationToken.None);
        var version = (await op.GetAsync<Model>("churn")).Status.FindVersion("1.0")!;
        Assert.Equal((new string('b', 64), "schema-1", "churn-initial-g1"), (version.Sha256, version.SchemaHash, version.TrainingRun));
        run = await op.GetAsync<TrainingRun>(run.Metadata.Name);

        // Level-triggered and idempotent: another pass over the finished run writes nothing.
        op.Writes.Reset();
        await op.Runs.ReconcileAsync(run, CancellationToken.None);
        Assert.Equal(0, op.Writes.Writes);
    }

    [Fact]
    public async Task A_failed_Job_fails_the_run_with_the_trainers_message()
    {
        await using var op = await OperatorCluster.StartAsync();
        var run = await InitialRunAsync(op);
        await op.Runs.ReconcileAsync(run, CancellationToken.None);
        var failure = new TrainingSummary { Succeeded = false, Message = "column 'churned' is missing from file:///data/churn.csv; check data.labelColumn" };

        op.Clock.Advance(TimeSpan.FromSeconds(1));
        await Kubelet.FinishJobAsync(op.Client, "churn-initial-g1-train", failure);
        await op.Runs.ReconcileAsync(await op.GetAsync<TrainingRun>(run.Metadata.Name), CancellationToken.None);

        run = await op.GetAsync<TrainingRun>(run.Metadata.Name);
        Assert.Equal(RunPhase.Failed, run.Status.Phase);
        Assert.Equal(failure.Message, run.Status.Message);
        var degraded = run.Status.GetCondition(ConditionTypes.Degraded)!;
        Assert.Equal((ConditionStatus.True, "TrainingFailed", failure.Message), (degraded.Status, degraded.Reason, degraded.Message));
        Assert.Contains(await op.EventsAsync(run.Metadata.Name), e => e.Reason == "TrainingFailed" && e.Type == "Warning" && e.Message == failure.Message);

        // The Model reports the failed first run with the trainer's words.
        await op.Models.ReconcileAsync(await op.GetAsync<Model>("churn"), CancellationToken.None);
        var model = await op.GetAsync<Model>("churn");
        Assert.Contains(failure.Message, model.Status.GetCondition(ConditionTypes.Degraded)!.Message, StringComparison.Ordinal);
        Assert.Single(await op.RunsAsync());
    }

    [Fact]
    public async Task A_crash_between_creating_the_Job_and_writing_status_creates_no_second_Job()
    {
        await using var op = await OperatorCluster.StartAsync();
        var stale = await InitialRunAsync(op);

        await op.Runs.ReconcileAsync(stale, CancellationToken.None);
        // A restarted operator sees the run as it was before the status write.
        var restartedCopy = await op.GetAsync<TrainingRun>(stale.Metadata.Name);
        restartedCopy.Status = new TrainingRunStatus();
        await op.Runs.ReconcileAsync(restartedCopy, CancellationToken.None);

        var jobs = await op.Client.BatchV1.ListNamespacedJobAsync(OperatorCluster.Ns);
        var job = Assert.Single(jobs.Items);
        Assert.Equal("1.0", job.Spec.Template.Metadata.Labels[ChildMetadata.VersionLabel]);
    }

    [Fact]
    public async Task A_timeout_the_trainer_reports_nothing_about_names_the_field()
    {
        await using var op = await OperatorCluster.StartAsync();
        var run = await InitialRunAsync(op);
        await op.Runs.ReconcileAsync(run, CancellationToken.None);

        await Kubelet.FinishJobAsync(op.Client, "churn-initial-g1-train", succeeded: false, terminationMessage: "");
        var job = await op.Client.BatchV1.ReadNamespacedJobAsync("churn-initial-g1-train", OperatorCluster.Ns);
        job.Status.Conditions[0].Reason = "DeadlineExceeded";
        job.Status.Conditions[0].Message = "Job was active longer than specified deadline";
        await op.Client.BatchV1.ReplaceNamespacedJobStatusAsync(job, job.Metadata.Name, OperatorCluster.Ns);
        await op.Runs.ReconcileAsync(await op.GetAsync<TrainingRun>(run.Metadata.Name), CancellationToken.None);

        run = await op.GetAsync<TrainingRun>(run.Metadata.Name);
        Assert.Equal(RunPhase.Failed, run.Status.Phase);
        Assert.StartsWith("training ran past spec.training.timeout", run.Status.Message, StringComparison.Ordinal);
    }
}
