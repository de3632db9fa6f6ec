using Flywheel.Operator.Api.V1Alpha1;
using Flywheel.Operator.Controllers.ModelDeployments;

namespace Flywheel.Operator.Tests.Controllers.ModelDeployments;

public sealed class RolloutAnalysisTests
{
    private static readonly AnalysisSpec Limits = new() { MaxErrorRate = 0.05, MaxP99LatencyMilliseconds = 250, MinAccuracy = 0.8 };

    public static TheoryData<string, RolloutMeasurements, string?> Cases() => new()
    {
        { "within every limit", new RolloutMeasurements(0.01, 100, 0.9, LabeledSamples: 50, Requests: 500), null },
        { "errors over the limit", new RolloutMeasurements(0.1, 100, 0.9, LabeledSamples: 50, Requests: 500), "error rate 0.1 is above maxErrorRate 0.05" },
        { "latency over the limit", new RolloutMeasurements(0.01, 900, 0.9, LabeledSamples: 50, Requests: 500), "p99 latency 900 ms is above maxP99LatencyMilliseconds 250" },
        { "accuracy under the limit", new RolloutMeasurements(0.01, 100, 0.5, LabeledSamples: 50, Requests: 500), "live accuracy 0.5 is below minAccuracy 0.8" },
        { "errors and latency over the limits on too few requests", new RolloutMeasurements(0.67, 900, null, Requests: 3), null },
        { "accuracy under the limit on too few labels", new RolloutMeasurements(0.01, 100, 0.5, LabeledSamples: 5, Requests: 500), null },
        { "errors at the minimum request count", new RolloutMeasurements(0.1, null, null, Requests: RolloutAnalysis.MinRequestsForErrorsAndLatency), "error rate 0.1 is above maxErrorRate 0.05" },
        { "no measurements", new RolloutMeasurements(null, null, null), null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_version_fails_only_a_limit_it_broke_on_enough_evidence(string name, RolloutMeasurements measured, string? breach)
    {
        Assert.NotEmpty(name);
        Assert.Equal(breach, RolloutAnalysis.Breach(Limits, measured));
    }
}
