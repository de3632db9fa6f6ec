using Flywheel.Operator.Api.V1Alpha1;
using Flywheel.Operator.Builders;
using Flywheel.Operator.Runtime.Api;
using Flywheel.Operator.Runtime.Events;
using Flywheel.Operator.Runtime.Reconciliation;
using Flywheel.Operator.Runtime.Status;
using Flywheel.Operator.Store;
using static Flywheel.Operator.Controllers.TrainingRuns.TrainingRunReconciler;

namespace Flywheel.Operator.Controllers.Models;

/// <summary>
/// Trains a Model's first version, registers every version its runs produce, applies the promotion gate and keeps
/// <c>versionsToKeep</c>. A finalizer guards the model-store artifacts, which garbage collection cannot reach.
/// </summary>
public sealed class ModelReconciler(
    KubeApi api,
    ClusterReader cluster,
    StatusWriter statusWriter,
    EventRecorder events,
    ModelStore store,
    TimeProvider time,
    FlywheelMetrics metrics) : IReconciler<Model>
{
    public const string Finalizer = "flywheel.dev/artifacts";
    private const string Plural = "models";

    public async Task<ReconcileResult> ReconcileAsync(Model model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var ns = model.Metadata.NamespaceProperty;
        var name = model.Metadata.Name;
        var finalizers = model.Metadata.Finalizers ?? [];
        if (model.Metadata.DeletionTimestamp is not null)
        {
            if (finalizers.Contains(Finalizer))
            {
                store.DeleteModel(ns, name);
                await cluster.SetFinalizersAsync(model, [.. finalizers.Where(f => f != Finalizer)], Plural, cancellationToken).ConfigureAwait(false);
            }

            return ReconcileResult.Done;
        }

        if (!finalizers.Contains(Finalizer))
        {
            await cluster.SetFinalizersAsync(model, [.. finalizers, Finalizer], Plural, cancellationToken).ConfigureAwait(false);
        }

        var status = Copy(model.Status) ?? new ModelStatus();
        status.ObservedGeneration = model.Metadata.Generation;
        if (Validate(model.Spec) is { } problem)
        {
            status.SetCondition(Condition(ConditionTypes.Degraded, ConditionStatus.True, "InvalidSpec", problem, model), time);
            status.SetCondition(Condition(ConditionTypes.Ready, status.PromotedVersion is null ? ConditionStatus.False : ConditionStatus.True, "InvalidSpec", problem, model), time);
            if (await statusWriter.WriteAsync(model, status, cancellationToken).ConfigureAwait(false))
            {
                await events.RecordAsync(model, EventType.Warning, "InvalidSpec", problem, cancellationToken).ConfigureAwait(false);
            }

            throw new TerminalReconcileException(problem);
        }

        var runs = await cluster.TrainingRunsAsync(ns, name, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var approved = PromotionGate.ApprovedVersion(model);
        var notes = new List<(EventType Type, string Reason, string Message)>();
        var rejections = new List<string>();

        foreach (var run in runs.Where(r => r.Status?.Phase == RunPhase.Succeeded && r.Status.ProducedVersion is not null)
                     .Where(r => status.Versions?.Any(v => v.TrainingRun == r.Metadata.Name) != true)
                     .OrderBy(r => r.Status.CompletionTime ?? DateTimeOffset.MinValue))
        {
            var candidate = new ModelVersionStatus
            {
                Version = run.Status.ProducedVersion!,
                TrainingRun = run.Metadata.Name,
                Metrics = run.Status.Best?.Metrics is { } metrics ? new Dictionary<string, double>(metrics) : null,
                ArtifactUri = run.Status.ArtifactUri,
                DataDigest = run.Status.DataDigest,
                CreatedAt = run.Status.CompletionTime,
            };
            if (ArtifactDirectory(run) is { } directory && await ArtifactRecord.ReadAsync(store, directory, cancellationToken).ConfigureAwait(false) is { } artifact)
            {
                candidate.Sha256 = artifact.Sha256 is { Length: 64 } sha ? sha : null;
                candidate.SchemaHash = artifact.SchemaHash;
            }

            var decision = PromotionGate.Evaluate(model.Spec, status, candidate, approved);
            VersionLedger.Register(model.Spec, status, candidate, decision, now);
            if (decision.Phase == VersionPhase.Rejected)
            {
                rejections.Add(decision.Reason);
            }

            notes.Add(decision.Phase switch
            {
                VersionPhase.Promoted => (EventType.Normal, "Promoted", decision.Message),
                VersionPhase.Rejected => (EventType.Warning, "PromotionRejected", $"version {candidate.Version}: {decision.Message}"),
                _ => (EventType.Normal, decision.Reason, decision.Message),
            });
        }

        if ((model.Spec.Promotion?.Mode ?? PromotionMode.Auto) == PromotionMode.Manual && approved is not null && status.FindVersion(approved) is not null
            && VersionLedger.Promote(model.Spec, status, approved, now))
        {
            notes.Add((EventType.Normal, "Promoted", $"version {approved} promoted by approval"));
        }

        await PruneAsync(model, status, notes, cancellationToken).ConfigureAwait(false);

        var inFlight = runs.Where(r => r.Status?.IsFinished != true).ToList();
        string? degraded = null;
        if (status.PromotedVersion is null && inFlight.Count == 0)
        {
            var initialName = ChildNames.InitialRun(name, model.Metadata.Generation ?? 0);
            var initial = runs.FirstOrDefault(r => r.Metadata.Name == initialName);
            if (initial is null)
            {
                var run = TrainingRunBuilder.Build(model, initialName, RunReason.Initial, null);
                inFlight.Add(await api.ApplyAsync(run, cancellationToken).ConfigureAwait(false));
                notes.Add((EventType.Normal, "TrainingStarted", $"started TrainingRun {initialName} for the first version"));
            }
            else if (initial.Status?.Phase == RunPhase.Failed)
            {
                degraded = $"the first training run {initialName} failed: {initial.Status.Message}; fix the spec (a new generation starts a new run)";
            }
            else if (status.LatestVersion is not null)
            {
                degraded = $"no version passed the promotion gate; the latest, {status.LatestVersion}, is {status.FindVersion(status.LatestVersion)?.Phase}: {status.FindVersion(status.LatestVersion)?.Reason}";
            }
        }

        status.SetCondition(status.PromotedVersion is { } promoted
            ? Condition(ConditionTypes.Ready, ConditionStatus.True, "Promoted", $"version {promoted} is promoted ({status.Metric})", model)
            : Condition(ConditionTypes.Ready, ConditionStatus.False, "NoPromotedVersion", "no version is promoted yet", model), time);
        status.SetCondition(inFlight.Count > 0
            ? Condition(ConditionTypes.Progressing, ConditionStatus.True, "Training", $"training: {string.Join(", ", inFlight.Select(r => r.Metadata.Name))}", model)
            : Condition(ConditionTypes.Progressing, ConditionStatus.False, "Idle", "no training run in flight", model), time);
        status.SetCondition(degraded is null
            ? Condition(ConditionTypes.Degraded, ConditionStatus.False, "AsExpected", "no problems", model)
            : Condition(ConditionTypes.Degraded, ConditionStatus.True, "TrainingFailed", degraded, model), time);

        await statusWriter.WriteAsync(model, status, cancellationToken).ConfigureAwait(false);
        foreach (var rejection in rejections)
        {
            metrics.PromotionRejections.WithLabels(ns, name, rejection).Inc();
        }

        foreach (var (type, reason, message) in notes)
        {
            if (reason == "Promoted")
            {
                metrics.Promotions.WithLabels(ns, name).Inc();
            }

            await events.RecordAsync(model, type, reason, message, cancellationToken).ConfigureAwait(false);
        }

        return ReconcileResult.Done;
    }

    /// <summary>Drops versions beyond versionsToKeep, sparing promoted, pinned and served ones, and deletes their artifacts.</summary>
    private async Task PruneAsync(Model model, ModelStatus status, List<(EventType, string, string)> notes, CancellationToken cancellationToken)
    {
        var keep = model.Spec.VersionsToKeep ?? 10;
        if ((status.Versions?.Count ?? 0) <= keep)
        {
            return;
        }

        var deployments = await cluster.ModelDeploymentsAsync(model.Metadata.NamespaceProperty, cancellationToken).ConfigureAwait(false);
        var protectedVersions = deployments
            .Where(d => d.Spec.ModelRef.Name == model.Metadata.Name)
            .SelectMany(d => new[] { d.Spec.Version, d.Status?.ServingVersion, d.Status?.PreviousVersion })
            .OfType<string>()
            .Where(v => v.Length > 0)
            .ToHashSet(StringComparer.Ordinal);
        foreach (var dropped in VersionLedger.Prune(status, keep, protectedVersions))
        {
            store.DeleteVersion(model.Metadata.NamespaceProperty, model.Metadata.Name, dropped.Version);
            notes.Add((EventType.Normal, "VersionRetired", $"version {dropped.Version} dropped (versionsToKeep {keep}); its artifacts were deleted"));
        }
    }

    /// <summary>The store-relative folder of a run's artifact (its URI is pvc://claim/&lt;ns&gt;/&lt;model&gt;/&lt;version&gt;).</summary>
    private static string? ArtifactDirectory(TrainingRun run)
    {
        if (run.Status.ArtifactUri is not { } uri || !uri.StartsWith("pvc://", StringComparison.Ordinal))
        {
            return null;
        }

        var rest = uri["pvc://".Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? null : rest[(slash + 1)..];
    }

    /// <summary>What the schema cannot check; null when the spec is usable.</summary>
    internal static string? Validate(ModelSpec spec)
    {
        if (spec.Training.Candidates.Count == 0)
        {
            return "spec.training.candidates is empty; list at least one algorithm, for example - algorithm: fastTree";
        }

        if (spec.Training.Timeout is { } timeout && !Durations.TryParse(timeout, out _))
        {
            return $"spec.training.timeout \"{timeout}\" is not a duration; write it like 30m or 2h";
        }

        var metric = PromotionMetrics.Effective(spec.Task, spec.Promotion?.Metric);
        var regressionMetric = metric is PromotionMetric.Rmse or PromotionMetric.Mae or PromotionMetric.RSquared;
        if (regressionMetric != (spec.Task == ModelTask.Regression))
        {
            return $"spec.promotion.metric {ApiText.Of(metric)} does not fit the task {ApiText.Of(spec.Task)}; use rmse, mae or rSquared for regression and auc, accuracy or f1 for classification";
        }

        return null;
    }
}
