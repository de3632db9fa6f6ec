using TrainingSummary = Flywheel.Contracts.Artifacts.TrainingSummary;
using Flywheel.Operator.Api.V1Alpha1;
using Flywheel.Operator.Builders;
using Flywheel.Operator.Controllers.Models;
using Flywheel.Operator.Runtime.Api;
using Flywheel.Operator.Runtime.Events;
using Flywheel.Operator.Runtime.Reconciliation;
using Flywheel.Operator.Runtime.Status;
using Flywheel.Operator.Store;
using k8s;
using k8s.Models;

namespace Flywheel.Operator.Controllers.TrainingRuns;

/// <summary>
/// Runs the trainer Job of a TrainingRun and records its result. The Job's name is derived from the run's, and
/// the Job is looked up before it is created, so a crash between creating it and writing status never makes a
/// second one.
/// </summary>
public sealed class TrainingRunReconciler(
    KubeApi api,
    ClusterReader cluster,
    StatusWriter statusWriter,
    EventRecorder events,
    TimeProvider time,
    OperatorSettings settings,
    FlywheelMetrics metrics,
    ModelStore store) : IReconciler<TrainingRun>
{
    public async Task<ReconcileResult> ReconcileAsync(TrainingRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (run.Status?.IsFinished == true || run.Metadata.DeletionTimestamp is not null)
        {
            return ReconcileResult.Done;
        }

        var ns = run.Metadata.NamespaceProperty;
        var status = Copy(run.Status) ?? new TrainingRunStatus();
        status.ObservedGeneration = run.Metadata.Generation;
        var jobName = ChildNames.Job(run.Metadata.Name);

        if (!Durations.TryParse(run.Spec.Training?.Timeout ?? "2h", out _))
        {
            await FinishAsync(run, status, RunPhase.Failed, "InvalidSpec", $"spec.training.timeout \"{run.Spec.Training?.Timeout}\" is not a duration; write it like 30m or 2h and start a new run", cancellationToken).ConfigureAwait(false);
            throw new TerminalReconcileException($"TrainingRun {ns}/{run.Metadata.Name}: invalid spec.training.timeout");
        }

        var job = await api.ReadAsync<V1Job>(ns, jobName, cancellationToken).ConfigureAwait(false);
        if (job is null)
        {
            if (status.JobName is not null && status.Phase is RunPhase.Running)
            {
                await FinishAsync(run, status, RunPhase.Failed, "JobDeleted", $"the training Job {jobName} was deleted before it finished; start a new run", cancellationToken).ConfigureAwait(false);
                return ReconcileResult.Done;
            }

            return await StartAsync(run, status, jobName, cancellationToken).ConfigureAwait(false);
        }

        var pods = await cluster.PodsAsync(ns, $"job-name={jobName}", cancellationToken).ConfigureAwait(false);
        var outcome = JobOutcome.Of(job, pods);
        status.JobName = jobName;
        status.StartTime ??= job.Status?.StartTime ?? time.GetUtcNow();
        switch (outcome.State)
        {
            case JobState.Succeeded:
                Succeed(status, outcome.Summary!, job, run);
                if (outcome.Summary!.VersionDirectory is { } directory && await ArtifactRecord.ReadAsync(store, directory, cancellationToken).ConfigureAwait(false) is { } artifact)
                {
                    status.Trials = [.. artifact.Trials];
                    status.Best!.Params = artifact.BestParams;
                }

                await FinishAsync(run, status, RunPhase.Succeeded, "Succeeded", $"trained version {status.ProducedVersion} ({status.Metric ?? "no metric"})", cancellationToken).ConfigureAwait(false);
                return ReconcileResult.Done;
            case JobState.Failed:
                if (outcome.Summary is { } failedSummary)
                {
                    status.DataDigest ??= failedSummary.DataDigest;
                }

                await FinishAsync(run, status, RunPhase.Failed, "TrainingFailed", outcome.Message!, cancellationToken).ConfigureAwait(false);
                return ReconcileResult.Done;
            default:
                var phase = outcome.State == JobState.Running ? RunPhase.Running : RunPhase.Pending;
                status.Phase = phase;
                status.SetCondition(Condition(ConditionTypes.Progressing, ConditionStatus.True, phase.ToString(), $"Job {jobName} is {phase.ToString().ToLowerInvariant()}", run), time);
                status.SetCondition(Condition(ConditionTypes.Ready, ConditionStatus.False, phase.ToString(), "training has not finished", run), time);
                await statusWriter.WriteAsync(run, status, cancellationToken).ConfigureAwait(false);
                return ReconcileResult.Done;
        }
    }

    private async Task<ReconcileResult> StartAsync(TrainingRun run, TrainingRunStatus status, string jobName, CancellationToken cancellationToken)
    {
        var ns = run.Metadata.NamespaceProperty;
        var model = await api.ReadAsync<Model>(ns, run.Spec.ModelRef.Name, cancellationToken).ConfigureAwait(false);
        if (model is null)
        {
            status.Phase = RunPhase.Pending;
            status.SetCondition(Condition(ConditionTypes.Degraded, ConditionStatus.True, "ModelNotFound", $"Model {run.Spec.ModelRef.Name} does not exist in {ns}; create it or delete this run", run), time);
            await statusWriter.WriteAsync(run, status, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Requeue(TimeSpan.FromSeconds(30));
        }

        var version = await PlanVersionAsync(run, model, cancellationToken).ConfigureAwait(false);
        var frozen = TrainingSpecBuilder.Build(run, version, model.Spec.Promotion);
        await api.ApplyAsync(TrainingJobBuilder.BuildSpecConfigMap(run, frozen), cancellationToken).ConfigureAwait(false);
        await api.ApplyAsync(TrainingJobBuilder.BuildJob(run, version, settings), cancellationToken).ConfigureAwait(false);
        await events.RecordAsync(run, EventType.Normal, "JobCreated", $"Created Job {jobName} to train version {version}", cancellationToken).ConfigureAwait(false);
        status.Phase = RunPhase.Pending;
        status.JobName = jobName;
        status.StartTime = time.GetUtcNow();
        status.RemoveCondition(ConditionTypes.Degraded);
        status.SetCondition(Condition(ConditionTypes.Progressing, ConditionStatus.True, "JobCreated", $"Job {jobName} trains version {version}", run), time);
        status.SetCondition(Condition(ConditionTypes.Ready, ConditionStatus.False, "Pending", "training has not finished", run), time);
        await statusWriter.WriteAsync(run, status, cancellationToken).ConfigureAwait(false);
        return ReconcileResult.Done;
    }

    /// <summary>
    /// The next version not taken by a registered version or another run's Job; a major bump when the declared
    /// schema differs from the run behind the latest version.
    /// </summary>
    private async Task<string> PlanVersionAsync(TrainingRun run, Model model, CancellationToken cancellationToken)
    {
        var ns = run.Metadata.NamespaceProperty;
        var jobs = await cluster.JobsAsync(ns, $"{ChildMetadata.ModelLabel}={model.Metadata.Name}", cancellationToken).ConfigureAwait(false);
        var taken = (model.Status?.Versions ?? []).Select(v => v.Version)
            .Concat(jobs.Select(j => j.Spec?.Template?.Metadata?.Labels is { } l && l.TryGetValue(ChildMetadata.VersionLabel, out var v) ? v : null))
            .ToList();
        var schemaChanged = false;
        if (model.Status?.LatestVersion is { } latest && model.Status.FindVersion(latest)?.TrainingRun is { } latestRun && latestRun != run.Metadata.Name)
        {
            var previous = await api.ReadAsync<TrainingRun>(ns, latestRun, cancellationToken).ConfigureAwait(false);
            schemaChanged = previous is not null && VersionPlanner.SchemaFingerprint(previous.Spec) != VersionPlanner.SchemaFingerprint(run.Spec);
        }

        return VersionPlanner.Next(taken, schemaChanged).ToString();
    }

    private void Succeed(TrainingRunStatus status, TrainingSummary summary, V1Job job, TrainingRun run)
    {
        var version = job.Spec?.Template?.Metadata?.Labels is { } labels && labels.TryGetValue(ChildMetadata.VersionLabel, out var v) ? v : null;
        status.ProducedVersion = version;
        status.ArtifactUri = summary.VersionDirectory is { } dir ? $"pvc://{settings.ModelStoreClaim}/{dir}" : null;
        status.DataDigest = summary.DataDigest;
        status.Best = new Trial
        {
            Algorithm = ParseAlgorithm(summary.Algorithm),
            Metrics = new Dictionary<string, double>(summary.Metrics),
        };
        var task = run.Spec.Task ?? ModelTask.BinaryClassification;
        var metric = PromotionMetrics.TrainerName(PromotionMetrics.Effective(task, null));
        status.Metric = summary.Metrics.TryGetValue(metric, out var value)
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{metric}={value:0.####}")
            : null;
        status.Message = $"{summary.Trials} trials; best {summary.Algorithm}";
    }

    private async Task FinishAsync(TrainingRun run, TrainingRunStatus status, RunPhase phase, string reason, string message, CancellationToken cancellationToken)
    {
        status.Phase = phase;
        status.CompletionTime ??= time.GetUtcNow();
        if (phase == RunPhase.Failed)
        {
            status.Message = message;
        }

        status.SetCondition(Condition(ConditionTypes.Progressing, ConditionStatus.False, reason, phase == RunPhase.Succeeded ? "training finished" : "training stopped", run), time);
        status.SetCondition(Condition(ConditionTypes.Ready, phase == RunPhase.Succeeded ? ConditionStatus.True : ConditionStatus.False, reason, message, run), time);
        status.SetCondition(Condition(ConditionTypes.Degraded, phase == RunPhase.Failed ? ConditionStatus.True : ConditionStatus.False, reason, phase == RunPhase.Failed ? message : "no problems", run), time);
        if (await statusWriter.WriteAsync(run, status, cancellationToken).ConfigureAwait(false))
        {
            metrics.TrainingRuns.WithLabels(run.Metadata.NamespaceProperty, run.Spec.ModelRef.Name, phase.ToString()).Inc();
            await events.RecordAsync(run, phase == RunPhase.Succeeded ? EventType.Normal : EventType.Warning, reason, message, cancellationToken).ConfigureAwait(false);
        }
    }

    private static Algorithm? ParseAlgorithm(string? name) =>
        name is null ? null : Enum.GetValues<Algorithm>().Select(a => (Algorithm?)a).FirstOrDefault(a => ApiText.Of(a!.Value) == name);

    internal static Condition Condition(string type, ConditionStatus status, string reason, string message, IKubernetesObject<V1ObjectMeta> owner) =>
        new() { Type = type, Status = status, Reason = reason, Message = message, ObservedGeneration = owner.Metadata.Generation };

    internal static T? Copy<T>(T? value) where T : class =>
        value is null ? null : KubernetesJson.Deserialize<T>(KubernetesJson.Serialize(value));
}
