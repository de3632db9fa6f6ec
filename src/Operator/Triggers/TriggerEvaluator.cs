using Flywheel.Operator.Api.V1Alpha1;
using Flywheel.Operator.Builders;

namespace Flywheel.Operator.Triggers;

/// <summary>What the evaluator needs besides the spec and the readings: the clock and the policy's history.</summary>
public sealed record TriggerContext
{
    public required DateTimeOffset Now { get; init; }

    /// <summary>The schedule fires for occurrences after this: its last run, or the policy's creation.</summary>
    public required DateTimeOffset ScheduleReference { get; init; }

    /// <summary>When the last triggered (non-schedule) run was created, for the cooldown.</summary>
    public DateTimeOffset? LastTriggeredRun { get; init; }

    /// <summary>Runs of the model not finished yet.</summary>
    public int RunsInFlight { get; init; }

    /// <summary>The data source's digest now, and as last recorded.</summary>
    public string? DataDigest { get; init; }

    public string? PreviousDataDigest { get; init; }

    public string? DataError { get; init; }

    /// <summary>The previous status of each trigger, for the time it last started a run.</summary>
    public IReadOnlyList<TriggerStatus> Previous { get; init; } = [];
}

/// <summary>The trigger that starts a run now.</summary>
public sealed record TriggerFiring(RunReason Reason, string Name, double? Value, double? Threshold, DateTimeOffset DecidedAt);

/// <summary>Every trigger's status, the run to start (if any), why a firing trigger waits, and the next schedule.</summary>
public sealed record TriggerEvaluation(IReadOnlyList<TriggerStatus> Triggers, TriggerFiring? Fire, string? Waiting, DateTimeOffset? NextSchedule);

/// <summary>
/// Decides which trigger starts a run: schedule first (it ignores the cooldown), then the metric, data and custom
/// triggers in declaration order, all within maxConcurrentRuns. Pure: the same inputs give the same decision.
/// </summary>
public static class TriggerEvaluator
{
    public const string Schedule = "schedule";
    public const string DataChange = "dataChange";

    public static TriggerEvaluation Evaluate(RetrainPolicySpec spec, TriggerReadings readings, TriggerContext context)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(readings);
        ArgumentNullException.ThrowIfNull(context);
        var triggers = spec.Triggers;
        var candidates = new List<(TriggerStatus Status, TriggerFiring Firing)>();
        var statuses = new List<TriggerStatus>();
        DateTimeOffset? nextSchedule = null;

        if (triggers.Schedule is { } schedule)
        {
            var cron = CronSchedule.Parse(schedule.Cron, schedule.TimeZone);
            var due = cron.Next(context.ScheduleReference);
            var firing = due is { } d && d <= context.Now;
            nextSchedule = firing ? cron.Next(context.Now) : due;
            var status = new TriggerStatus { Name = Schedule, Firing = firing, Message = nextSchedule is { } n ? $"next at {n:u}" : "the expression has no next occurrence" };
            statuses.Add(status);
            if (firing)
            {
                candidates.Add((status, new TriggerFiring(RunReason.Schedule, Schedule, null, null, due!.Value)));
            }
        }

        Metric(triggers.InputDrift is { } input ? (RunReason.InputDrift, "inputDrift", readings.InputDrift, input.Threshold, true, input.MinSamples ?? 500) : null);
        Metric(triggers.PredictionDrift is { } prediction ? (RunReason.PredictionDrift, "predictionDrift", readings.PredictionDrift, prediction.Threshold, true, prediction.MinSamples ?? 500) : null);
        Metric(triggers.UnknownCategories is { } unknown ? (RunReason.UnknownCategories, "unknownCategories", readings.UnknownCategories, unknown.MaxRate, true, unknown.MinSamples ?? 500) : null);
        Metric(triggers.Accuracy is { } accuracy ? (RunReason.Accuracy, "accuracy", readings.Accuracy, accuracy.Minimum, false, accuracy.MinLabeled ?? 100) : null);
        Metric(triggers.Feedback is { } feedback ? (RunReason.Feedback, "feedback", readings.NegativeFeedback, feedback.MaxNegativeRatio, true, feedback.MinFeedback ?? 50) : null);

        if (triggers.DataChange is not null)
        {
            var changed = context.PreviousDataDigest is { } previous && context.DataDigest is { } current && previous != current;
            var status = new TriggerStatus
            {
                Name = DataChange,
                Firing = changed,
                Message = context.DataError ?? (context.PreviousDataDigest is null ? "first look at the data source; a later change fires" : changed ? "the data source changed" : "no change"),
            };
            statuses.Add(status);
            if (changed)
            {
                candidates.Add((status, new TriggerFiring(RunReason.DataChange, DataChange, null, null, Truncate(context.Now))));
            }
        }

        foreach (var custom in triggers.Custom ?? [])
        {
            var reading = readings.Custom.TryGetValue(custom.Name, out var r) ? r : Reading.Missing(readings.SourceError ?? "not evaluated");
            var firing = reading.Value is { } value && Compare(value, custom.Operator ?? ComparisonOperator.GreaterThan, custom.Threshold);
            var status = new TriggerStatus { Name = custom.Name, Value = reading.Value, Threshold = custom.Threshold, Firing = firing, Message = reading.Message };
            statuses.Add(status);
            if (firing)
            {
                candidates.Add((status, new TriggerFiring(RunReason.Custom, custom.Name, reading.Value, custom.Threshold, Truncate(context.Now))));
            }
        }

        var (fire, waiting) = Choose(spec, context, candidates);
        foreach (var status in statuses)
        {
            status.LastFiredTime = fire is not null && fire.Name == status.Name
                ? context.Now
                : context.Previous.FirstOrDefault(p => p.Name == status.Name)?.LastFiredTime;
        }

        return new TriggerEvaluation(statuses, fire, waiting, nextSchedule);

        void Metric((RunReason Reason, string Name, Reading? Reading, double Threshold, bool Above, int MinSamples)? trigger)
        {
            if (trigger is not { } t)
            {
                return;
            }

            var reading = t.Reading ?? Reading.Missing(readings.SourceError ?? "no reading");
            string? message = reading.Message;
            var firing = false;
            if (reading.Value is { } value)
            {
                if (reading.Samples < t.MinSamples)
                {
                    message = $"{reading.Samples} samples, fewer than the {t.MinSamples} needed to judge";
                }
                else
                {
                    firing = t.Above ? value > t.Threshold : value < t.Threshold;
                }
            }

            var status = new TriggerStatus { Name = t.Name, Value = reading.Value, Threshold = t.Threshold, Firing = firing, Message = message };
            statuses.Add(status);
            if (firing)
            {
                candidates.Add((status, new TriggerFiring(t.Reason, t.Name, reading.Value, t.Threshold, Truncate(context.Now))));
            }
        }
    }

    private static (TriggerFiring? Fire, string? Waiting) Choose(RetrainPolicySpec spec, TriggerContext context, List<(TriggerStatus Status, TriggerFiring Firing)> candidates)
    {
        if (candidates.Count == 0)
        {
            return (null, null);
        }

        var maxRuns = spec.MaxConcurrentRuns ?? 1;
        if (context.RunsInFlight >= maxRuns)
        {
            return (null, $"{candidates[0].Firing.Name} fired; waiting: {context.RunsInFlight} run(s) in flight, maxConcurrentRuns is {maxRuns}");
        }

        var schedule = candidates.FirstOrDefault(c => c.Firing.Reason == RunReason.Schedule);
        if (schedule.Firing is not null)
        {
            return (schedule.Firing, null);
        }

        var cooldown = Durations.Parse(spec.Cooldown ?? "1h", "spec.cooldown");
        if (context.LastTriggeredRun is { } last && context.Now - last < cooldown)
        {
            return (null, $"{candidates[0].Firing.Name} fired; in cooldown until {last + cooldown:u} (spec.cooldown {spec.Cooldown ?? "1h"})");
        }

        return (candidates[0].Firing, null);
    }

    private static bool Compare(double value, ComparisonOperator op, double threshold) => op switch
    {
        ComparisonOperator.GreaterOrEqual => value >= threshold,
        ComparisonOperator.LessThan => value < threshold,
        ComparisonOperator.LessOrEqual => value <= threshold,
        _ => value > threshold,
    };

    private static DateTimeOffset Truncate(DateTimeOffset time) => DateTimeOffset.FromUnixTimeSeconds(time.ToUnixTimeSeconds());
}
