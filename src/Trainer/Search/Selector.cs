using System.Globalization;
using Flywheel.Contracts.Artifacts;
using Flywheel.Trainer.Models;

namespace Flywheel.Trainer.Search;

/// <summary>
/// Picks the winning trial by the objective metric. With <c>preferSimplerWithin</c>, the simplest trial
/// (linear before trees, then fewer trees × leaves) whose metric is within that tolerance of the best wins:
/// all else equal, the simpler model.
/// </summary>
internal static class Selector
{
    public static string DefaultMetric(ModelTask task) => task switch
    {
        ModelTask.BinaryClassification => "auc",
        ModelTask.MulticlassClassification => "macroF1",
        _ => "rmse",
    };

    public static (TrialResult Winner, string Reason) Select(IReadOnlyList<TrialResult> results, string metric, double? preferSimplerWithin)
    {
        var higher = MetricCalculator.HigherIsBetter(metric);
        double Value(TrialResult r) => r.Metrics.TryGetValue(metric, out var v) && !double.IsNaN(v) ? v : higher ? double.NegativeInfinity : double.PositiveInfinity;
        var ranked = results
            .OrderBy(r => higher ? -Value(r) : Value(r))
            .ThenBy(r => r.Trial.Algorithm.Complexity(r.Trial.Parameters))
            .ThenBy(r => r.Trial.Index)
            .ToList();
        var best = ranked[0];
        var text = (double v) => v.ToString("0.####", CultureInfo.InvariantCulture);
        if (preferSimplerWithin is not { } tolerance || tolerance <= 0)
        {
            return (best, $"best {metric} {text(Value(best))} of {results.Count} trials (trial {best.Trial.Index}, {best.Trial.Algorithm.Name})");
        }

        var eligible = ranked.Where(r => Math.Abs(Value(r) - Value(best)) <= tolerance + 1e-12).ToList();
        var simplest = eligible
            .OrderBy(r => r.Trial.Algorithm.Complexity(r.Trial.Parameters))
            .ThenBy(r => higher ? -Value(r) : Value(r))
            .ThenBy(r => r.Trial.Index)
            .First();
        return simplest == best
            ? (best, $"best {metric} {text(Value(best))} of {results.Count} trials (trial {best.Trial.Index}, {best.Trial.Algorithm.Name}); no simpler trial within {text(tolerance)}")
            : (simplest, $"simplest trial within {text(tolerance)} of the best {metric}: trial {simplest.Trial.Index} ({simplest.Trial.Algorithm.Name}, {metric} {text(Value(simplest))}) " +
                $"over trial {best.Trial.Index} ({best.Trial.Algorithm.Name}, {metric} {text(Value(best))}), preferring the simpler model");
    }
}
