using Flywheel.Contracts.Monitoring;

namespace Flywheel.Operator.Tests.Triggers;

/// <summary>Fabricated monitoring summaries, as an inference replica would serve them.</summary>
internal static class Summaries
{
    /// <summary>
    /// A replica whose numeric feature <c>tenure</c> has <paramref name="tenure"/> counts over two bins (baseline
    /// 50/50), categorical <c>plan</c> with <paramref name="unknownPlans"/> unseen values out of the samples.
    /// </summary>
    public static MonitoringSummary Replica(string replica, long[] tenure, long unknownPlans, long positive = 0, long negative = 0, long labeled = 0, long correct = 0, string version = "1.0")
    {
        var samples = tenure.Sum();
        var plan = new long[] { samples - unknownPlans, unknownPlans, 0 };
        return new MonitoringSummary
        {
            Namespace = "ml",
            Model = "churn",
            Version = version,
            Replicas = [replica],
            Timestamp = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
            DriftMethod = DriftMethod.Psi,
            WindowCapacity = 10_000,
            Samples = samples,
            TotalPredictions = samples,
            Features =
            [
                new FeatureWindow
                {
                    Name = "tenure", Type = "numeric", Bins = ["[-inf,12)", "[12,inf)"], BinEdges = [12], Counts = tenure, Baseline = [0.5, 0.5],
                    Samples = samples, Drift = DriftMath.Compute(DriftMethod.Psi, tenure, [0.5, 0.5]),
                },
                new FeatureWindow
                {
                    Name = "plan", Type = "categorical", Bins = ["basic", "__unknown__", "__missing__"], Counts = plan, Baseline = [1, 0, 0],
                    Samples = samples, Unknown = unknownPlans, UnknownRate = samples == 0 ? 0 : unknownPlans / (double)samples,
                    Drift = DriftMath.Compute(DriftMethod.Psi, plan, [1, 0, 0], ordered: false),
                },
            ],
            Predictions = new DistributionWindow { Bins = ["no", "yes"], Counts = [samples / 2, samples - (samples / 2)], Baseline = [0.5, 0.5], Samples = samples, Drift = 0 },
            Feedback = new FeedbackWindow
            {
                WindowCapacity = 10_000, Positive = positive, Negative = negative, Labeled = labeled, Correct = correct,
                PositiveRatio = positive + negative == 0 ? null : positive / (double)(positive + negative),
                Accuracy = labeled == 0 ? null : correct / (double)labeled,
            },
        };
    }
}
