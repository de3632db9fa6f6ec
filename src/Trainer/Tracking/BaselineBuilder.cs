using Flywheel.Contracts.Artifacts;
using Flywheel.Trainer.Data;
using Flywheel.Trainer.Features;
using Flywheel.Trainer.Models;

namespace Flywheel.Trainer.Tracking;

/// <summary>
/// Training distributions for drift. Numeric: the inner decile edges of the training values (duplicates
/// merged) and the share of values per bin, bin i holding edge[i-1] ≤ x &lt; edge[i] with open outer bins.
/// Categorical: each vocabulary value's share. Predictions: class shares, or a decile histogram for regression.
/// </summary>
internal static class BaselineBuilder
{
    public static Baseline Build(DataTable training, IReadOnlyList<FeatureInfo> features, LabelSet label, Predictions predictions)
    {
        var featureBaselines = features.Select(f => f.IsNumeric
            ? Numeric(f.Name, ((NumericColumn)training[f.Name]).Values)
            : Categorical(f.Name, (TextColumn)training[f.Name])).ToList();
        PredictionBaseline predictionBaseline;
        if (label.IsClassification)
        {
            var counts = new int[label.Classes.Count];
            foreach (var c in predictions.PredictedClass)
            {
                counts[c]++;
            }

            var total = Math.Max(1, predictions.PredictedClass.Length);
            predictionBaseline = new PredictionBaseline
            {
                Classes = label.Classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => Math.Round((double)counts[p.i] / total, 6), StringComparer.Ordinal),
            };
        }
        else
        {
            var histogram = Numeric("prediction", [.. predictions.Values.Select(v => (double)v)]);
            predictionBaseline = new PredictionBaseline { BinEdges = histogram.BinEdges, Frequencies = histogram.Frequencies };
        }

        return new Baseline { Samples = training.RowCount, Features = featureBaselines, Predictions = predictionBaseline };
    }

    public static FeatureBaseline Numeric(string name, double[] values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        var edges = new List<double>();
        for (var d = 1; d <= 9; d++)
        {
            var edge = Math.Round(Quantile(sorted, d / 10.0), 6);
            if (edges.Count == 0 || edge > edges[^1])
            {
                edges.Add(edge);
            }
        }

        var counts = new int[edges.Count + 1];
        foreach (var v in sorted)
        {
            counts[BinOf(edges, v)]++;
        }

        return new FeatureBaseline
        {
            Name = name,
            BinEdges = edges,
            Frequencies = [.. counts.Select(c => Math.Round((double)c / Math.Max(1, sorted.Length), 6))],
        };
    }

    /// <summary>The bin of <paramref name="value"/>: the number of edges at or below it.</summary>
    public static int BinOf(IReadOnlyList<double> edges, double value)
    {
        var bin = 0;
        while (bin < edges.Count && value >= edges[bin])
        {
            bin++;
        }

        return bin;
    }

    private static FeatureBaseline Categorical(string name, TextColumn column)
    {
        var counts = column.Values.Where(v => v is not null).GroupBy(v => v!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var total = Math.Max(1, counts.Values.Sum());
        return new FeatureBaseline
        {
            Name = name,
            Categories = counts.OrderBy(c => c.Key, StringComparer.Ordinal).ToDictionary(c => c.Key, c => Math.Round((double)c.Value / total, 6), StringComparer.Ordinal),
        };
    }

    /// <summary>The value at rank floor(q·n): an edge is always a training value, so ties stay in one bin.</summary>
    private static double Quantile(double[] sorted, double q) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Floor(q * sorted.Length))];
}
