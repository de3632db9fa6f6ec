using Flywheel.Contracts.Monitoring;
using Flywheel.Operator.Api.V1Alpha1;
using Flywheel.Operator.Triggers;

using ApiDrift = Flywheel.Operator.Api.V1Alpha1.DriftMethod;
using DriftMethod = Flywheel.Contracts.Monitoring.DriftMethod;

namespace Flywheel.Operator.Tests.Triggers;

public sealed class MonitoringReadingsTests
{
    [Fact]
    public void Replicas_are_merged_before_the_readings_are_taken()
    {
        // Alone, replica a drifts and b does not; merged, the counts are 600/400 over a 50/50 baseline.
        var merged = MonitoringMerge.Merge([
            Summaries.Replica("a", [500, 100], unknownPlans: 60, positive: 10, negative: 30, labeled: 100, correct: 70),
            Summaries.Replica("b", [100, 300], unknownPlans: 0, positive: 20, negative: 0, labeled: 100, correct: 90),
        ]);

        var readings = MonitoringReadings.From(merged, new RetrainTriggers { InputDrift = new InputDriftTrigger { Threshold = 0.1, Features = ["tenure"] } });

        Assert.Equal(DriftMath.Compute(DriftMethod.Psi, [600, 400], [0.5, 0.5]), readings.InputDrift!.Value!.Value, 9);
        Assert.Equal(1000, readings.InputDrift.Samples);
        Assert.Equal(0.06, readings.UnknownCategories!.Value!.Value, 9);
        Assert.Equal(0.8, readings.Accuracy!.Value!.Value, 9);
        Assert.Equal(200, readings.Accuracy.Samples);
        Assert.Equal(0.5, readings.NegativeFeedback!.Value!.Value, 9);
        Assert.Equal(60, readings.NegativeFeedback.Samples);
    }

    [Fact]
    public void The_trigger_method_recomputes_drift_from_the_counts()
    {
        var summary = Summaries.Replica("a", [900, 100], 0);

        var readings = MonitoringReadings.From(summary, new RetrainTriggers { InputDrift = new InputDriftTrigger { Threshold = 0.1, Method = ApiDrift.JensenShannon, Features = ["tenure"] } });

        Assert.Equal(DriftMath.Compute(DriftMethod.JensenShannon, [900, 100], [0.5, 0.5]), readings.InputDrift!.Value!.Value, 9);
    }

    [Fact]
    public void Watching_features_the_model_lacks_says_so()
    {
        var readings = MonitoringReadings.From(Summaries.Replica("a", [1, 1], 0), new RetrainTriggers { InputDrift = new InputDriftTrigger { Threshold = 0.1, Features = ["age"] } });

        Assert.Null(readings.InputDrift!.Value);
        Assert.Equal("none of the watched features (age) is in the model's summary", readings.InputDrift.Message);
    }
}
