using Flywheel.Operator.Api.V1Alpha1;
using Flywheel.Operator.Builders;
using Flywheel.Operator.Runtime.Api;
using Flywheel.Operator.Runtime.Events;
using Flywheel.Operator.Runtime.Reconciliation;
using Flywheel.Operator.Runtime.Status;
using Flywheel.Operator.Triggers;
using static Flywheel.Operator.Controllers.TrainingRuns.TrainingRunReconciler;

namespace Flywheel.Operator.Controllers.RetrainPolicies;

/// <summary>
/// Evaluates a policy's triggers on a RequeueAfter loop and starts at most one TrainingRun per firing. The cooldown
/// and the concurrency limit are computed from the runs that exist, not only from status, so an operator restart
/// between creating a run and recording it cannot start a second one.
/// </summary>
public sealed class RetrainPolicyReconciler(
    KubeApi api,
    ClusterReader cluster,
    StatusWriter statusWriter,
    EventRecorder events,
    TriggerReadingsSource readingsSource,
    DataChangeProbe dataProbe,
    TimeProvider time,
    FlywheelMetrics metrics) : IReconciler<RetrainPolicy>
{
    /// <summary>How often metric triggers are re-read.</summary>
    public static TimeSpan MetricInterval { get; } = TimeSpan.FromMinutes(1);

    public async Task<ReconcileResult> ReconcileAsync(RetrainPolicy policy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.Metadata.DeletionTimestamp is not null)
        {
            return ReconcileResult.Done;
        }

        var ns = policy.Metadata.NamespaceProperty;
        var spec = policy.Spec;
        var status = Copy(policy.Status) ?? new RetrainPolicyStatus();
        status.ObservedGeneration = policy.Metadata.Generation;
        if (Validate(spec) is { } problem)
        {
            status.SetCondition(Condition(ConditionTypes.Degraded, ConditionStatus.True, "InvalidSpec", problem, policy), time);
            status.SetCondition(Condition(ConditionTypes.Ready, ConditionStatus.False, "InvalidSpec", problem, policy), time);
            if (await statusWriter.WriteAsync(policy, status, cancellationToken).ConfigureAwait(false))
            {
                await events.RecordAsync(policy, EventType.Warning, "InvalidSpec", problem, cancellationToken).ConfigureAwait(false);
            }

            throw new TerminalReconcileException(problem);
        }

        if (spec.Suspend == true)
        {
            status.SetCondition(Condition(ConditionTypes.Ready, ConditionStatus.False, "Suspended", "spec.suspend is true; triggers are not evaluated", policy), time);
            await statusWriter.WriteAsync(policy, status, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        var model = await api.ReadAsync<Model>(ns, spec.ModelRef.Name, cancellationToken).ConfigureAwait(false);
        if (model is null)
        {
            status.SetCondition(Condition(ConditionTypes.Degraded, ConditionStatus.True, "ModelNotFound", $"Model {spec.ModelRef.Name} does not exist in {ns}; create it or fix spec.modelRef", policy), time);
            status.SetCondition(Condition(ConditionTypes.Ready, ConditionStatus.False, "ModelNotFound", "the model to retrain is missing", policy), time);
            await statusWriter.WriteAsync(policy, status, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Requeue(MetricInterval);
        }

        var now = time.GetUtcNow();
        var runs = await cluster.TrainingRunsAsync(ns, model.Metadata.Name, cancellationToken).ConfigureAwait(false);
        var mine = runs.Where(r => r.Spec.Trigger?.Policy == policy.Metadata.Name).ToList();
        var readings = await readingsSource.ReadAsync(policy, cancellationToken).ConfigureAwait(false);
        var previousDigest = status.Triggers?.FirstOrDefault(t => t.Name == TriggerEvaluator.DataChange)?.Digest;
        DataDigest? data = spec.Triggers.DataChange is null ? null : await dataProbe.ProbeAsync(model.Spec.Data.Source, cancellationToken).ConfigureAwait(false);
        var context = new TriggerContext
        {
            Now = now,
            ScheduleReference = Max(
                status.Triggers?.FirstOrDefault(t => t.Name == TriggerEvaluator.Schedule)?.LastFiredTime,
                mine.Where(r => r.Spec.Reason == RunReason.Schedule).Select(r => Created(r)).Max(),
                Created(policy)) ?? now,
            LastTriggeredRun = Max(
                status.LastRun?.Reason != TriggerEvaluator.Schedule ? status.LastRun?.StartTime : null,
                mine.Where(r => r.Spec.Reason != RunReason.Schedule).Select(r => Created(r)).Max()),
            RunsInFlight = runs.Count(r => r.Status?.IsFinished != true),
            DataDigest = data?.Digest,
            PreviousDataDigest = previousDigest,
            DataError = data?.Error,
            Previous = status.Triggers ?? [],
        };
        var evaluation = TriggerEvaluator.Evaluate(spec, readings, context);
        string? started = null;
        if (evaluation.Fire is { } fire)
        {
            var name = ChildNames.TriggeredRun(model.Metadata.Name, fire.Reason, fire.DecidedAt);
            if (runs.All(r => r.Metadata.Name != name))
            {
                var trigger = new TriggerRecord { Policy = policy.Metadata.Name, Name = fire.Name, Value = fire.Value, Threshold = fire.Threshold };
                await api.ApplyAsync(TrainingRunBuilder.Build(model, name, fire.Reason, trigger), cancellationToken).ConfigureAwait(false);
                started = name;
            }

            status.LastRun = new LastRunStatus { Name = name, Reason = fire.Name, StartTime = now };
        }

        foreach (var trigger in evaluation.Triggers.Where(t => t.Name == TriggerEvaluator.DataChange))
        {
            // A change that could not start a run (cooldown, concurrency) stays unseen, so that it fires later.
            var blocked = trigger.Firing == true && evaluation.Fire?.Name != TriggerEvaluator.DataChange;
            trigger.Digest = blocked ? previousDigest : data?.Digest ?? previousDigest;
        }

        var triggersChanged = !SameTriggers(status.Triggers, evaluation.Triggers);
        status.Triggers = [.. evaluation.Triggers];
        status.NextScheduleTime = evaluation.NextSchedule;
        if (triggersChanged || started is not null || status.LastEvaluationTime is null)
        {
            // Evaluation time moves only with news, so that a quiet policy does not write status every minute.
            status.LastEvaluationTime = now;
        }

        var sourceProblem = readings.SourceError ?? data?.Error;
        status.SetCondition(sourceProblem is null
            ? Condition(ConditionTypes.Degraded, ConditionStatus.False, "AsExpected", "no problems", policy)
            : Condition(ConditionTypes.Degraded, ConditionStatus.True, sourceProblem.StartsWith("Prometheus unreachable", StringComparison.Ordinal) ? "PrometheusUnreachable" : "SourceUnavailable", sourceProblem, policy), time);
        status.SetCondition(Condition(ConditionTypes.Ready, ConditionStatus.True, "Evaluating", evaluation.Waiting ?? "triggers are evaluated", policy), time);
        await statusWriter.WriteAsync(policy, status, cancellationToken).ConfigureAwait(false);
        if (started is not null)
        {
            metrics.RetrainTriggers.WithLabels(ns, model.Metadata.Name, ApiText.Of(evaluation.Fire!.Reason)).Inc();
            await events.RecordAsync(policy, EventType.Normal, "RetrainTriggered", $"{evaluation.Fire!.Name} fired (value {evaluation.Fire.Value?.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture) ?? "-"}, threshold {evaluation.Fire.Threshold?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}): started TrainingRun {started}", cancellationToken).ConfigureAwait(false);
        }

        return ReconcileResult.Requeue(NextCheck(spec, evaluation, now));
    }

    private static TimeSpan NextCheck(RetrainPolicySpec spec, TriggerEvaluation evaluation, DateTimeOffset now)
    {
        var triggers = spec.Triggers;
        var checks = new List<TimeSpan>();
        if (triggers.InputDrift is not null || triggers.PredictionDrift is not null || triggers.UnknownCategories is not null
            || triggers.Accuracy is not null || triggers.Feedback is not null || triggers.Custom is { Count: > 0 })
        {
            checks.Add(MetricInterval);
        }

        if (triggers.DataChange is { } dataChange)
        {
            checks.Add(Durations.Parse(dataChange.PollInterval ?? "15m", "spec.triggers.dataChange.pollInterval"));
        }

        if (evaluation.NextSchedule is { } schedule)
        {
            checks.Add(TimeSpan.FromTicks(Math.Max(0, (schedule - now).Ticks)));
        }

        // With nothing to poll, an occasional look keeps the status honest.
        return checks.Count == 0 ? TimeSpan.FromHours(1) : checks.Min();
    }

    /// <summary>Equal when every trigger shows the same value, firing state and message.</summary>
    private static bool SameTriggers(IReadOnlyList<TriggerStatus>? before, IReadOnlyList<TriggerStatus> after) =>
        before is not null && before.Count == after.Count && before.Zip(after).All(p =>
            p.First.Name == p.Second.Name && p.First.Value == p.Second.Value && p.First.Firing == p.Second.Firing
            && p.First.Message == p.Second.Message && p.First.LastFiredTime == p.Second.LastFiredTime && p.First.Digest == p.Second.Digest);

    /// <summary>What the schema cannot check; null when the spec is usable.</summary>
    internal static string? Validate(RetrainPolicySpec spec)
    {
        if (spec.Triggers.Schedule is { } schedule)
        {
            try
            {
                CronSchedule.Parse(schedule.Cron, schedule.TimeZone);
            }
            catch (FormatException ex)
            {
                return ex.Message;
            }
        }

        if (spec.Cooldown is { } cooldown && !Durations.TryParse(cooldown, out _))
        {
            return $"spec.cooldown \"{cooldown}\" is not a duration; write it like 30m or 6h";
        }

        if (spec.Triggers.DataChange?.PollInterval is { } poll && !Durations.TryParse(poll, out _))
        {
            return $"spec.triggers.dataChange.pollInterval \"{poll}\" is not a duration; write it like 15m";
        }

        return spec.Triggers.Custom?.FirstOrDefault(c => string.IsNullOrWhiteSpace(c.Promql)) is { } empty
            ? $"spec.triggers.custom[{empty.Name}].promql is empty; give a PromQL query returning one number"
            : null;
    }

    private static DateTimeOffset? Created(k8s.IKubernetesObject<k8s.Models.V1ObjectMeta> obj) =>
        obj.Metadata.CreationTimestamp is { } created ? new DateTimeOffset(DateTime.SpecifyKind(created, DateTimeKind.Utc)) : null;

    private static DateTimeOffset? Max(params DateTimeOffset?[] values) => values.Where(v => v is not null).Max();
}
