using Flywheel.Trainer.Data;
using Flywheel.Trainer.Export;
using Flywheel.Trainer.Models;

namespace Flywheel.Trainer.Tests.Export;

public sealed class ParityCheckTests
{
    private static readonly DataTable Rows = new([new NumericColumn("x", [1, 2])], RowOrigins.Of("data.csv:2", "data.csv:3"));

    [Fact]
    public void A_probability_off_by_more_than_the_tolerance_fails_naming_the_row()
    {
        var mlnet = new Predictions([0, 1], [[0.9f, 0.1f], [0.2f, 0.8f]], []);
        var onnx = new Predictions([0, 1], [[0.9f, 0.1f], [0.2f, 0.80002f]], []);

        var ex = Assert.Throws<InvalidOperationException>(() => ParityCheck.Verify(mlnet, onnx, Rows));

        Assert.StartsWith("ONNX parity failed at row data.csv:3: probability 1: ML.NET 0.8, ONNX Runtime 0.80002", ex.Message);
    }

    [Fact]
    public void Differences_within_the_tolerance_pass_and_report_the_largest()
    {
        var worst = ParityCheck.Verify(new Predictions([], [], [100f, 2f]), new Predictions([], [], [100.0005f, 2f]), Rows);

        Assert.InRange(worst, 4e-6, 6e-6);
    }

    [Fact]
    public void A_different_class_fails()
    {
        var ex = Assert.Throws<InvalidOperationException>(() =>
            ParityCheck.Verify(new Predictions([0, 1], [[0.5f, 0.5f], [0.5f, 0.5f]], []), new Predictions([1, 1], [[0.5f, 0.5f], [0.5f, 0.5f]], []), Rows));

        Assert.Contains("row data.csv:2: ML.NET predicts class 0, ONNX Runtime class 1", ex.Message);
    }
}
