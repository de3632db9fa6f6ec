using Flywheel.Operator.Api.V1Alpha1;
using Microsoft.Extensions.Time.Testing;

namespace Flywheel.Operator.Tests.Api.V1Alpha1;

public sealed class ConditionedStatusTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private static Condition Ready(ConditionStatus status, string reason, string message = "") =>
        new() { Type = ConditionTypes.Ready, Status = status, Reason = reason, Message = message, ObservedGeneration = 1 };

    [Fact]
    public void Transition_time_moves_only_when_the_status_flips()
    {
        var status = new ModelDeploymentStatus();
        var start = _clock.GetUtcNow();

        Assert.True(status.SetCondition(Ready(ConditionStatus.False, "RollingOut"), _clock));
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True(status.SetCondition(Ready(ConditionStatus.False, "WaitingForPods", "1 of 2 ready"), _clock));
        Assert.Equal(start, status.GetCondition(ConditionTypes.Ready)!.LastTransitionTime);
        Assert.Equal("WaitingForPods", status.GetCondition(ConditionTypes.Ready)!.Reason);

        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True(status.SetCondition(Ready(ConditionStatus.True, "Serving"), _clock));
        Assert.Equal(start.AddMinutes(2), status.GetCondition(ConditionTypes.Ready)!.LastTransitionTime);
        Assert.True(status.IsTrue(ConditionTypes.Ready));
        Assert.Single(status.Conditions!);
    }

    [Fact]
    public void Setting_the_same_condition_again_reports_no_change()
    {
        var status = new ModelStatus();
        status.SetCondition(Ready(ConditionStatus.True, "Promoted"), _clock);
        _clock.Advance(TimeSpan.FromHours(1));

        Assert.False(status.SetCondition(Ready(ConditionStatus.True, "Promoted"), _clock));
        Assert.True(status.RemoveCondition(ConditionTypes.Ready));
        Assert.Null(status.GetCondition(ConditionTypes.Ready));
    }

    [Fact]
    public void Model_versions_stay_ordered_and_replace_by_version()
    {
        var status = new ModelStatus();
        status.SetVersion(new ModelVersionStatus { Version = "1.10", Phase = VersionPhase.Candidate });
        status.SetVersion(new ModelVersionStatus { Version = "1.2", Phase = VersionPhase.Candidate });
        status.SetVersion(new ModelVersionStatus { Version = "1.10", Phase = VersionPhase.Promoted });

        Assert.Equal(["1.2", "1.10"], status.Versions!.Select(v => v.Version));
        Assert.Equal(VersionPhase.Promoted, status.FindVersion("1.10")!.Phase);
        Assert.Null(status.FindVersion("9.9"));
    }

    [Fact]
    public void Recording_a_served_version_keeps_the_previous_one_and_bounded_history()
    {
        var status = new ModelDeploymentStatus();
        for (var minor = 0; minor < ModelDeploymentStatus.HistoryLimit + 5; minor++)
        {
            Assert.True(status.RecordServing($"1.{minor}", "Promoted", _clock));
        }

        Assert.False(status.RecordServing($"1.{ModelDeploymentStatus.HistoryLimit + 4}", "Promoted", _clock));
        Assert.Equal($"1.{ModelDeploymentStatus.HistoryLimit + 4}", status.ServingVersion);
        Assert.Equal($"1.{ModelDeploymentStatus.HistoryLimit + 3}", status.PreviousVersion);
        Assert.Equal(ModelDeploymentStatus.HistoryLimit, status.History!.Count);
        Assert.Equal("1.5", status.History[0].Version);
    }

    [Fact]
    public void Trigger_status_keeps_the_last_fired_time_while_quiet()
    {
        var status = new RetrainPolicyStatus();
        var fired = _clock.GetUtcNow();
        status.SetTrigger(new TriggerStatus { Name = "inputDrift", Value = 0.3, Threshold = 0.2, Firing = true }, _clock);
        _clock.Advance(TimeSpan.FromHours(1));
        status.SetTrigger(new TriggerStatus { Name = "inputDrift", Value = 0.1, Threshold = 0.2, Firing = false }, _clock);

        var trigger = Assert.Single(status.Triggers!);
        Assert.Equal(0.1, trigger.Value);
        Assert.Equal(fired, trigger.LastFiredTime);
    }
}
