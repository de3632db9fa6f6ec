using Flywheel.Trainer.Data;
using Flywheel.Trainer.Export;
using Flywheel.Trainer.Features;
using Flywheel.Trainer.Models;

namespace Flywheel.Trainer.Tracking;

/// <summary>
/// Permutation feature importance on the evaluation rows, scored through the exported graph: how much the
/// objective metric worsens when one feature's values are shuffled (seeded). Larger means more important.
/// </summary>
internal static class PermutationImportance
{
    public static IReadOnlyDictionary<string, double> Compute(OnnxScorer scorer, DataTable rows, LabelSet label, IReadOnlyList<FeatureInfo> features, string metric, int seed)
    {
        var higher = MetricCalculator.HigherIsBetter(metric);
        var baseline = MetricCalculator.Compute(label, scorer.Score(rows))[metric];
        var importance = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var f = 0; f < features.Count; f++)
        {
            var random = new Random(seed + f);
            var order = Enumerable.Range(0, rows.RowCount).ToArray();
            random.Shuffle(order);
            var shuffled = rows.Replace(rows[features[f].Name].Select(order));
            var value = MetricCalculator.Compute(label, scorer.Score(shuffled))[metric];
            var drop = higher ? baseline - value : value - baseline;
            importance[features[f].Name] = double.IsNaN(drop) ? 0 : Math.Round(drop, 6);
        }

        return importance;
    }
}
