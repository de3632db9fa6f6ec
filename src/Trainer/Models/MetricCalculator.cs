using Flywheel.Trainer.Features;

namespace Flywheel.Trainer.Models;

/// <summary>
/// Holdout metrics from predictions: accuracy, macroF1 and auc (one-vs-rest macro average for multiclass)
/// for classification; rmse, mae and r2 for regression.
/// </summary>
internal static class MetricCalculator
{
    public static readonly string[] ClassificationMetrics = ["accuracy", "macroF1", "auc"];
    public static readonly string[] RegressionMetrics = ["rmse", "mae", "r2"];

    public static bool HigherIsBetter(string metric) => metric is not ("rmse" or "mae");

    public static Dictionary<string, double> Compute(LabelSet truth, Predictions predictions) =>
        truth.IsClassification ? Classification(truth, predictions) : Regression(truth.Values, predictions.Values);

    private static Dictionary<string, double> Classification(LabelSet truth, Predictions predictions)
    {
        var k = truth.Classes.Count;
        var n = truth.ClassIndex.Length;
        var correct = 0;
        var tp = new int[k];
        var fp = new int[k];
        var fn = new int[k];
        for (var i = 0; i < n; i++)
        {
            int actual = truth.ClassIndex[i], predicted = predictions.PredictedClass[i];
            if (actual == predicted)
            {
                correct++;
                tp[actual]++;
            }
            else
            {
                fp[predicted]++;
                fn[actual]++;
            }
        }

        var f1 = Enumerable.Range(0, k).Select(c => tp[c] == 0 ? 0 : 2.0 * tp[c] / ((2.0 * tp[c]) + fp[c] + fn[c])).Average();
        var auc = k == 2
            ? Auc(truth.ClassIndex, predictions.Probabilities, 1)
            : Enumerable.Range(0, k).Select(c => Auc(truth.ClassIndex, predictions.Probabilities, c)).Where(a => !double.IsNaN(a)).DefaultIfEmpty(double.NaN).Average();
        return new Dictionary<string, double>
        {
            ["accuracy"] = Round((double)correct / n),
            ["macroF1"] = Round(f1),
            ["auc"] = Round(auc),
        };
    }

    /// <summary>Area under the ROC curve of class <paramref name="positive"/> versus the rest (rank statistic, ties averaged).</summary>
    private static double Auc(int[] actual, float[][] probabilities, int positive)
    {
        var order = Enumerable.Range(0, actual.Length).OrderBy(i => probabilities[i][positive]).ToArray();
        double rankSum = 0;
        long positives = 0;
        var r = 0;
        while (r < order.Length)
        {
            var end = r;
            while (end + 1 < order.Length && probabilities[order[end + 1]][positive] == probabilities[order[r]][positive])
            {
                end++;
            }

            var rank = ((r + end) / 2.0) + 1;
            for (var j = r; j <= end; j++)
            {
                if (actual[order[j]] == positive)
                {
                    rankSum += rank;
                    positives++;
                }
            }

            r = end + 1;
        }

        var negatives = actual.Length - positives;
        return positives == 0 || negatives == 0 ? double.NaN : (rankSum - (positives * (positives + 1) / 2.0)) / (positives * (double)negatives);
    }

    private static Dictionary<string, double> Regression(float[] actual, float[] predicted)
    {
        double squared = 0, absolute = 0, mean = actual.Average(v => (double)v), total = 0;
        for (var i = 0; i < actual.Length; i++)
        {
            var error = (double)predicted[i] - actual[i];
            squared += error * error;
            absolute += Math.Abs(error);
            total += (actual[i] - mean) * (actual[i] - mean);
        }

        return new Dictionary<string, double>
        {
            ["rmse"] = Round(Math.Sqrt(squared / actual.Length)),
            ["mae"] = Round(absolute / actual.Length),
            ["r2"] = Round(total == 0 ? 0 : 1 - (squared / total)),
        };
    }

    /// <summary>Metrics are rounded so that the manifest does not carry float noise.</summary>
    private static double Round(double value) => double.IsNaN(value) ? value : Math.Round(value, 6);
}
