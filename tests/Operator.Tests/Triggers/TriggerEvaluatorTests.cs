using Flywheel.Contracts.Monitoring;
using Flywheel.Operator.Api.V1Alpha1;
using Flywheel.Operator.Triggers;
using Microsoft.Extensions.Time.Testing;

using DriftMethod = Flywheel.Contracts.Monitoring.DriftMethod;

namespace Flywheel.Operator.Tests.Triggers;

public sealed class TriggerEvaluatorTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero));

    private static RetrainPolicySpec Policy(Action<RetrainTriggers> triggers, string cooldown = "1h", int maxRuns = 1)
    {
        var spec = new RetrainPolicySpec { ModelRef = new ObjectReference { Name = "churn" }, Cooldown = cooldown, MaxConcurrentRuns = maxRuns };
        triggers(spec.Triggers);
        return spec;
    }

    private TriggerContext Context(DateTimeOffset? lastRun = null, int inFlight = 0) => new()
    {
        Now = _clock.GetUtcNow(),
        ScheduleReference = _clock.GetUtcNow().AddDays(-1),
        LastTriggeredRun = lastRun,
        RunsInFlight = inFlight,
    };

    private static TriggerReadings Drifted(long samples = 1000) =>
        MonitoringReadings.From(
            MonitoringMerge.Merge([Summaries.Replica("a", [samples * 9 / 20, samples / 20], 0), Summaries.Replica("b", [samples * 9 / 20, samples / 20], 0)]),
            new RetrainTriggers { InputDrift = new InputDriftTrigger { Threshold = 0.2 } });

    [Fact]
    public void Input_drift_above_the_threshold_fires_with_its_value()
    {
        var spec = Policy(t => t.InputDrift = new InputDriftTrigger { Threshold = 0.2, MinSamples = 500 });

        var result = TriggerEvaluator.Evaluate(spec, Drifted(), Context());

        var fire = Assert.IsType<TriggerFiring>(result.Fire);
        Assert.Equal(RunReason.InputDrift, fire.Reason);
        Assert.Equal(0.2, fire.Threshold);
        Assert.Equal(DriftMath.Compute(DriftMethod.Psi, [900, 100], [0.5, 0.5]), fire.Value!.Value, 9);
        Assert.True(fire.Value > 0.2);
        var status = Assert.Single(result.Triggers);
        Assert.Equal(("inputDrift", true, 0.2), (status.Name, status.Firing!.Value, status.Threshold!.Value));
        Assert.Equal(_clock.GetUtcNow(), status.LastFiredTime);
    }

    [Fact]
    public void Too_few_samples_show_the_value_but_do_not_fire()
    {
        var spec = Policy(t => t.InputDrift = new InputDriftTrigger { Threshold = 0.2, MinSamples = 5000 });

        var result = TriggerEvaluator.Evaluate(spec, Drifted(1000), Context());

        Assert.Null(result.Fire);
        var status = Assert.Single(result.Triggers);
        Assert.False(status.Firing);
        Assert.NotNull(status.Value);
        Assert.Equal("1000 samples, fewer than the 5000 needed to judge", status.Message);
    }

    [Fact]
    public void Cooldown_holds_a_second_firing_until_it_has_passed()
    {
        var spec = Policy(t => t.InputDrift = new InputDriftTrigger { Threshold = 0.2 }, cooldown: "6h");
        var lastRun = _clock.GetUtcNow();

        _clock.Advance(TimeSpan.FromHours(2));
        var during = TriggerEvaluator.Evaluate(spec, Drifted(), Context(lastRun));
        _clock.Advance(TimeSpan.FromHours(4));
        var after = TriggerEvaluator.Evaluate(spec, Drifted(), Context(lastRun));

        Assert.Null(during.Fire);
        Assert.Equal("inputDrift fired; in cooldown until 2026-03-02 16:00:00Z (spec.cooldown 6h)", during.Waiting);
        Assert.NotNull(after.Fire);
    }

    [Fact]
    public void Max_concurrent_runs_makes_a_firing_trigger_wait()
    {
        var spec = Policy(t => t.InputDrift = new InputDriftTrigger { Threshold = 0.2 }, maxRuns: 2);

        Assert.Null(TriggerEvaluator.Evaluate(spec, Drifted(), Context(inFlight: 2)).Fire);
        Assert.NotNull(TriggerEvaluator.Evaluate(spec, Drifted(), Context(inFlight: 1)).Fire);
    }

    [Fact]
    public void Schedule_fires_for_the_missed_occurrence_in_its_time_zone_and_ignores_the_cooldown()
    {
        // 03:00 in Berlin is 02:00 UTC in March (CET).
        var spec = Policy(t => t.Schedule = new ScheduleTrigger { Cron = "0 3 * * *", TimeZone = "Europe/Berlin" });
        var context = Context(lastRun: _clock.GetUtcNow().AddMinutes(-5)) with { ScheduleReference = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero) };

        var result = TriggerEvaluator.Evaluate(spec, new TriggerReadings(), context);

        var fire = Assert.IsType<TriggerFiring>(result.Fire);
        Assert.Equal(RunReason.Schedule, fire.Reason);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 2, 0, 0, TimeSpan.Zero), fire.DecidedAt);
        Assert.Equal(new DateTimeOffset(2026, 3, 3, 2, 0, 0, TimeSpan.Zero), result.NextSchedule);
    }

    [Fact]
    public void Schedule_not_yet_due_reports_its_next_time()
    {
        var spec = Policy(t => t.Schedule = new ScheduleTrigger { Cron = "30 11 * * *" });
        var context = Context() with { ScheduleReference = _clock.GetUtcNow() };

        var result = TriggerEvaluator.Evaluate(spec, new TriggerReadings(), context);

        Assert.Null(result.Fire);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 11, 30, 0, TimeSpan.Zero), result.NextSchedule);
        Assert.False(Assert.Single(result.Triggers).Firing);
    }

    [Theory]
    [InlineData(0.80, 100, true)]
    [InlineData(0.90, 100, false)]
    [InlineData(0.50, 10, false)]
    public void Accuracy_fires_below_its_floor_with_enough_labels(double accuracy, long labeled, bool fires)
    {
        var spec = Policy(t => t.Accuracy = new AccuracyTrigger { Minimum = 0.85, MinLabeled = 50 });
        var readings = new TriggerReadings { Accuracy = new Reading(accuracy, labeled) };

        Assert.Equal(fires, TriggerEvaluator.Evaluate(spec, readings, Context()).Fire is not null);
    }

    [Theory]
    [InlineData(ComparisonOperator.GreaterThan, 5.0, false)]
    [InlineData(ComparisonOperator.GreaterOrEqual, 5.0, true)]
    [InlineData(ComparisonOperator.LessThan, 4.0, false)]
    [InlineData(ComparisonOperator.LessOrEqual, 5.0, true)]
    public void Custom_triggers_compare_with_their_operator(ComparisonOperator op, double threshold, bool fires)
    {
        var spec = Policy(t => t.Custom = [new CustomTrigger { Name = "queue", Promql = "x", Operator = op, Threshold = threshold }]);
        var readings = new TriggerReadings { Custom = new Dictionary<string, Reading> { ["queue"] = new(5.0, 1) } };

        var result = TriggerEvaluator.Evaluate(spec, readings, Context());

        Assert.Equal(fires, result.Fire is not null);
        Assert.Equal(fires ? "queue" : null, result.Fire?.Name);
    }

    [Fact]
    public void Data_change_fires_only_when_a_known_digest_changes()
    {
        var spec = Policy(t => t.DataChange = new DataChangeTrigger());

        var first = TriggerEvaluator.Evaluate(spec, new TriggerReadings(), Context() with { DataDigest = "a" });
        var same = TriggerEvaluator.Evaluate(spec, new TriggerReadings(), Context() with { DataDigest = "a", PreviousDataDigest = "a" });
        var changed = TriggerEvaluator.Evaluate(spec, new TriggerReadings(), Context() with { DataDigest = "b", PreviousDataDigest = "a" });

        Assert.Null(first.Fire);
        Assert.Null(same.Fire);
        Assert.Equal(RunReason.DataChange, changed.Fire?.Reason);
    }

    [Fact]
    public void An_unreachable_source_fires_nothing_and_says_why()
    {
        var spec = Policy(t => t.PredictionDrift = new PredictionDriftTrigger { Threshold = 0.1 });

        var result = TriggerEvaluator.Evaluate(spec, new TriggerReadings { SourceError = "Prometheus unreachable: http://p:9090/ (refused)" }, Context());

        Assert.Null(result.Fire);
        Assert.Equal("Prometheus unreachable: http://p:9090/ (refused)", Assert.Single(result.Triggers).Message);
    }

    [Theory]
    [InlineData("61 * * * *", null, "spec.triggers.schedule.cron")]
    [InlineData("0 3 * * *", "Mars/Olympus", "spec.triggers.schedule.timeZone")]
    public void Bad_schedules_name_the_field(string cron, string? zone, string field)
    {
        var error = Assert.Throws<FormatException>(() => CronSchedule.Parse(cron, zone));

        Assert.StartsWith(field + ":", error.Message, StringComparison.Ordinal);
    }
}
