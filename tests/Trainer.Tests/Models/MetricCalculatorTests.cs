using Flywheel.Contracts.Artifacts;
using Flywheel.Trainer.Data;
using Flywheel.Trainer.Features;
using Flywheel.Trainer.Models;

namespace Flywheel.Trainer.Tests.Models;

public sealed class MetricCalculatorTests
{
    private static LabelSet Labels(ModelTask task, params string[] labels) =>
        LabelSet.Create(new DataTable([new TextColumn("y", labels)], RowOrigins.Of([.. labels.Select((_, i) => $"t:{i}")])), "y", task);

    [Fact]
    public void Binary_metrics_match_hand_computed_values()
    {
        var truth = Labels(ModelTask.BinaryClassification, "yes", "yes", "no", "no");
        var predictions = new Predictions([1, 0, 0, 1], [[0.1f, 0.9f], [0.6f, 0.4f], [0.8f, 0.2f], [0.3f, 0.7f]], []);

        var metrics = MetricCalculator.Compute(truth, predictions);

        Assert.Equal(0.5, metrics["accuracy"]);
        Assert.Equal(0.5, metrics["macroF1"]);
        Assert.Equal(0.75, metrics["auc"]); // positives 0.9, 0.4 vs negatives 0.2, 0.7: 3 of 4 pairs ordered
    }

    [Fact]
    public void Regression_metrics_match_hand_computed_values()
    {
        var truth = Labels(ModelTask.Regression, "1", "2", "3");
        var metrics = MetricCalculator.Compute(truth, new Predictions([], [], [1, 2, 5]));

        Assert.Equal(Math.Round(Math.Sqrt(4.0 / 3), 6), metrics["rmse"]);
        Assert.Equal(Math.Round(2.0 / 3, 6), metrics["mae"]);
        Assert.Equal(-1, metrics["r2"]);
    }

    [Fact]
    public void Binary_classes_put_the_natural_positive_last()
    {
        Assert.Equal(["no", "yes"], LabelSet.OrderBinary(["yes", "no"]));
        Assert.Equal(["0", "1"], LabelSet.OrderBinary(["1", "0"]));
        Assert.Equal(["cat", "dog"], LabelSet.OrderBinary(["dog", "cat"]));
    }
}
