using System.Diagnostics;
using Flywheel.Contracts.Artifacts;
using Flywheel.Operator.Api.V1Alpha1;
using Flywheel.Operator.Builders;
using Flywheel.Operator.Controllers.ModelDeployments;
using Flywheel.Operator.Runtime;
using Flywheel.Operator.Runtime.Controllers;
using Flywheel.Operator.Runtime.Informers;
using Flywheel.Operator.Tests.Controllers.Support;
using Flywheel.Testing;
using k8s;
using k8s.Models;
using Xunit.Abstractions;

namespace Flywheel.Operator.Tests.Controllers.ModelDeployments;

public sealed class ModelWatchTests(ITestOutputHelper output)
{
    /// <summary>Well under <see cref="ModelDeploymentReconciler.FollowInterval"/>: only the watch can be this quick.</summary>
    private static readonly TimeSpan WakeUpBound = TimeSpan.FromSeconds(8);

    private static Model ModelWith(string? promoted, params string[] versions)
    {
        var model = OperatorCluster.NewModel();
        model.Metadata.NamespaceProperty = OperatorCluster.Ns;
        model.Metadata.ResourceVersion = Guid.NewGuid().ToString();
        model.Status = new ModelStatus { PromotedVersion = promoted, Conditions = [] };
        foreach (var version in versions)
        {
            model.Status.SetVersion(new ModelVersionStatus { Version = version });
        }

        return model;
    }

    private static Model Ready(Model model)
    {
        model.Status.Metric = "auc=0.9";
        model.Status.Conditions = [new Condition { Type = ConditionTypes.Ready, Status = ConditionStatus.True, Reason = "Promoted" }];
        return model;
    }

    public static TheoryData<string, ResourceEvent<Model>, bool> Changes() => new()
    {
        { "added", new(ResourceEventType.Added, ModelWith(null)), true },
        { "deleted", new(ResourceEventType.Deleted, ModelWith("1.0", "1.0"), ModelWith("1.0", "1.0")), true },
        { "promoted", new(ResourceEventType.Modified, ModelWith("1.1", "1.0", "1.1"), ModelWith("1.0", "1.0", "1.1")), true },
        { "first promotion", new(ResourceEventType.Modified, ModelWith("1.0", "1.0"), ModelWith(null, "1.0")), true },
        { "version added", new(ResourceEventType.Modified, ModelWith("1.0", "1.0", "1.1"), ModelWith("1.0", "1.0")), true },
        { "version pruned", new(ResourceEventType.Modified, ModelWith("1.1", "1.1"), ModelWith("1.1", "1.0", "1.1")), true },
        { "conditions and metric only", new(ResourceEventType.Modified, Ready(ModelWith("1.0", "1.0")), ModelWith("1.0", "1.0")), false },
        { "no status before or after", new(ResourceEventType.Modified, OperatorCluster.NewModel(), OperatorCluster.NewModel()), false },
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public void Only_changes_of_the_promoted_or_kept_versions_wake_deployments(string why, ResourceEvent<Model> change, bool wakes) =>
        Assert.True(ModelWatch.ChangesWhatIsServed(change) == wakes, why);

    [Fact]
    public void Maps_a_model_to_the_deployments_of_its_namespace_that_reference_it()
    {
        var cache = new ResourceCache<ModelDeployment>();
        ModelDeployment Deployment(string ns, string name, string model) =>
            new() { Metadata = new V1ObjectMeta { NamespaceProperty = ns, Name = name }, Spec = new ModelDeploymentSpec { ModelRef = new ObjectReference { Name = model } }, Status = null! };
        cache.Replace([
            Deployment("default", "churn-api", "churn"),
            Deployment("default", "churn-canary", "churn"),
            Deployment("default", "fraud-api", "fraud"),
            Deployment("team-b", "churn-api", "churn"),
        ]);

        var keys = ModelWatch.DeploymentsOf(ModelWith("1.0"), new ControllerCache<ModelDeployment>([cache]));

        Assert.Equal([new ObjectKey("default", "churn-api"), new ObjectKey("default", "churn-canary")], keys.OrderBy(k => k.Name));
    }

    [Fact]
    public async Task A_promotion_reaches_the_inference_Deployment_within_seconds_not_at_the_next_follow_interval()
    {
        await using var op = await OperatorCluster.StartAsync();
        await using var operatorProcess = new OperatorInstance(op.Cluster.ClientConfiguration, op.Settings);
        await op.CreateAsync(OperatorCluster.NewModel());
        await FinishTrainingAsync(op, ChildNames.Job(ChildNames.InitialRun("churn", 1)), auc: 0.90);
        await Poll.UntilAsync(async () => (await op.GetAsync<Model>("churn")).Status?.PromotedVersion == "1.0", TimeSpan.FromSeconds(30), "version 1.0 is promoted");
        await op.CreateAsync(new ModelDeployment { Metadata = new V1ObjectMeta { Name = "churn-api" }, Spec = new ModelDeploymentSpec { ModelRef = new ObjectReference { Name = "churn" } }, Status = null! });
        await Poll.UntilAsync(async () => await ServedVersionAsync(op) == "1.0", TimeSpan.FromSeconds(30), "the inference Deployment serves 1.0");
        await Kubelet.RollOutAsync(op.Client, "churn-api-inference");
        await Poll.UntilAsync(async () => (await op.GetAsync<ModelDeployment>("churn-api")).Status?.ServingVersion == "1.0", TimeSpan.FromSeconds(30), "1.0 is served");

        // A manual retrain produces 1.1, which beats 1.0 and is promoted: the deployment's last reconcile was just
        // now, so only the watch on its Model can bring it back before the follow interval.
        var model = await op.GetAsync<Model>("churn");
        await op.CreateAsync(TrainingRunBuilder.Build(model, "churn-manual-1", RunReason.Manual, trigger: null));
        await FinishTrainingAsync(op, ChildNames.Job("churn-manual-1"), auc: 0.95);
        var finished = Stopwatch.StartNew();
        await Poll.UntilAsync(async () => (await op.GetAsync<Model>("churn")).Status?.PromotedVersion == "1.1", TimeSpan.FromSeconds(30), "version 1.1 is promoted");
        var promotedAfter = finished.Elapsed;
        await Poll.UntilAsync(async () => await ServedVersionAsync(op) == "1.1", WakeUpBound, "the inference Deployment serves 1.1");
        var wokeAfter = finished.Elapsed - promotedAfter;
        output.WriteLine(
            $"Job finished → 1.1 promoted: {promotedAfter.TotalMilliseconds:0} ms; promotion seen → inference Deployment on 1.1: {wokeAfter.TotalMilliseconds:0} ms; "
            + $"Job finished → Deployment on 1.1: {finished.Elapsed.TotalMilliseconds:0} ms (follow interval {ModelDeploymentReconciler.FollowInterval.TotalSeconds:0} s)");

        var live = await op.Client.AppsV1.ReadNamespacedDeploymentAsync("churn-api-inference", OperatorCluster.Ns);
        Assert.Equal("1.1", live.Spec.Template.Metadata.Labels[ChildMetadata.VersionLabel]);
        Assert.Equal("1.1", live.Spec.Template.Spec.Containers[0].Env.Single(e => e.Name == "FLYWHEEL_MODEL_VERSION").Value);
        Assert.True(wokeAfter < WakeUpBound, $"woke after {wokeAfter}");
    }

    [Fact]
    public async Task A_deployment_made_before_its_model_is_woken_by_the_model_and_by_the_first_promotion()
    {
        await using var op = await OperatorCluster.StartAsync();
        await using var operatorProcess = new OperatorInstance(op.Cluster.ClientConfiguration, op.Settings);
        await op.CreateAsync(new ModelDeployment { Metadata = new V1ObjectMeta { Name = "churn-api" }, Spec = new ModelDeploymentSpec { ModelRef = new ObjectReference { Name = "churn" } }, Status = null! });
        await Poll.UntilAsync(async () => Reason(await op.GetAsync<ModelDeployment>("churn-api")) == "ModelNotFound", TimeSpan.FromSeconds(30), "the deployment reports its missing Model");
        // The reconcile its own status write brings writes nothing; after it the deployment waits for its re-check.
        await Poll.UntilAsync(() => operatorProcess.Reconciles("modeldeployment", "requeue") >= 2, TimeSpan.FromSeconds(30), "the deployment settles");

        var created = Stopwatch.StartNew();
        await op.CreateAsync(OperatorCluster.NewModel());
        await Poll.UntilAsync(async () => Reason(await op.GetAsync<ModelDeployment>("churn-api")) == "WaitingForVersion", WakeUpBound, "the new Model wakes the deployment");
        output.WriteLine($"Model created → deployment waiting for a version: {created.Elapsed.TotalMilliseconds:0} ms");

        await FinishTrainingAsync(op, ChildNames.Job(ChildNames.InitialRun("churn", 1)), auc: 0.90);
        await Poll.UntilAsync(async () => (await op.GetAsync<Model>("churn")).Status?.PromotedVersion == "1.0", TimeSpan.FromSeconds(30), "version 1.0 is promoted");
        var promoted = Stopwatch.StartNew();
        await Poll.UntilAsync(async () => await ServedVersionAsync(op) == "1.0", WakeUpBound, "the first promotion creates the inference Deployment");
        output.WriteLine($"promotion of 1.0 seen → inference Deployment on 1.0: {promoted.Elapsed.TotalMilliseconds:0} ms");
    }

    private static string? Reason(ModelDeployment deployment) => deployment.Status?.GetCondition(ConditionTypes.Progressing)?.Reason;

    private static async Task<string?> ServedVersionAsync(OperatorCluster op)
    {
        var list = await op.Client.AppsV1.ListNamespacedDeploymentAsync(OperatorCluster.Ns);
        return list.Items.FirstOrDefault(d => d.Metadata.Name == "churn-api-inference")?.Spec.Template.Metadata.Labels[ChildMetadata.VersionLabel];
    }

    /// <summary>Waits for the trainer Job and finishes it with the version its template names.</summary>
    private static async Task FinishTrainingAsync(OperatorCluster op, string jobName, double auc)
    {
        var job = await Poll.UntilAsync(() => op.Client.BatchV1.ReadNamespacedJobAsync(jobName, OperatorCluster.Ns), _ => true, TimeSpan.FromSeconds(30), $"the Job {jobName} exists", retryOn: OperatorCluster.NotWrittenYet);
        var version = job.Spec.Template.Metadata.Labels[ChildMetadata.VersionLabel];
        await Kubelet.FinishJobAsync(op.Client, jobName, new TrainingSummary
        {
            Succeeded = true,
            VersionDirectory = $"default/churn/{version}",
            SchemaHash = "s1",
            Algorithm = "fastTree",
            Metrics = new Dictionary<string, double> { ["auc"] = auc },
            Trials = 2,
        });
    }
}
