using Flywheel.Operator.Api.V1Alpha1;
using Flywheel.Operator.Builders;

namespace Flywheel.Operator.Tests.Builders;

public sealed class ChildNamesTests
{
    [Theory]
    [InlineData(RunReason.InputDrift, "churn-input-drift-1700000000")]
    [InlineData(RunReason.Schedule, "churn-schedule-1700000000")]
    [InlineData(RunReason.DataChange, "churn-data-change-1700000000")]
    public void Triggered_runs_are_named_after_model_reason_and_decision_time(RunReason reason, string expected) =>
        Assert.Equal(expected, ChildNames.TriggeredRun("churn", reason, DateTimeOffset.FromUnixTimeSeconds(1_700_000_000)));

    [Fact]
    public void Children_have_fixed_suffixes()
    {
        Assert.Equal("run-1-train", ChildNames.Job("run-1"));
        Assert.Equal("run-1-spec", ChildNames.SpecConfigMap("run-1"));
        Assert.Equal("churn-inference", ChildNames.Inference("churn"));
        Assert.Equal("churn-initial-g3", ChildNames.InitialRun("churn", 3));
    }

    [Fact]
    public void Long_names_are_cut_to_63_characters_with_a_stable_hash()
    {
        var longName = new string('a', 70);

        var fitted = ChildNames.Job(longName);

        Assert.Equal(63, fitted.Length);
        Assert.Equal(fitted, ChildNames.Job(longName));
        Assert.NotEqual(fitted, ChildNames.Job(new string('a', 71)));
        Assert.Matches("^a{54}-[0-9a-f]{8}$", fitted);
    }
}
