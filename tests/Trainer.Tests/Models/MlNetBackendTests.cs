using Flywheel.Contracts.Artifacts;
using Flywheel.Trainer.Data;
using Flywheel.Trainer.Export;
using Flywheel.Trainer.Features;
using Flywheel.Trainer.Models;
using Xunit.Abstractions;

namespace Flywheel.Trainer.Tests.Models;

public sealed class MlNetBackendTests(ITestOutputHelper output)
{
    internal static TrainingRows Load(string task, string path, string encoding = "oneHot", string scaling = "standard")
    {
        FeatureInfo[] features = [new("age", FeatureType.Numeric), new("income", FeatureType.Numeric), new("city", FeatureType.Categorical), new("plan", FeatureType.Categorical)];
        var builder = new TableBuilder([.. features.Select(f => new ColumnRequest(f.Name, f.IsNumeric, "feature")), new ColumnRequest("label", false, "label")]);
        CsvSource.Read(path, builder);
        var table = builder.Build();
        var modelTask = task switch { "regression" => ModelTask.Regression, "multiclassClassification" => ModelTask.MulticlassClassification, _ => ModelTask.BinaryClassification };
        return new TrainingRows(table, LabelSet.Create(table, "label", modelTask), features, new FeaturePreprocessing(encoding, scaling));
    }

    [Theory]
    [InlineData("binaryClassification", "lbfgsLogisticRegression", "oneHot")]
    [InlineData("binaryClassification", "sdca", "label")]
    [InlineData("binaryClassification", "fastTree", "oneHot")]
    [InlineData("binaryClassification", "lightGbm", "oneHot")]
    [InlineData("multiclassClassification", "lbfgsLogisticRegression", "oneHot")]
    [InlineData("multiclassClassification", "sdca", "oneHot")]
    [InlineData("multiclassClassification", "fastTree", "label")]
    [InlineData("multiclassClassification", "lightGbm", "oneHot")]
    [InlineData("regression", "sdca", "oneHot")]
    [InlineData("regression", "lbfgsPoisson", "oneHot")]
    [InlineData("regression", "onlineGradientDescent", "label")]
    [InlineData("regression", "fastTree", "oneHot")]
    [InlineData("regression", "lightGbm", "oneHot")]
    public void Every_algorithm_exports_a_graph_fed_only_by_features_that_matches_mlnet(string task, string algorithm, string encoding)
    {
        using var dir = new TempDirectory();
        var rows = Load(task, new SyntheticData { Task = task, Rows = 600 }.WriteCsv(dir.File("data.csv")), encoding);
        var backend = new MlNetBackend();
        var info = backend.Algorithms(rows.Label.Task).Single(a => a.Name == algorithm);

        var model = backend.Train(backend.Prepare(rows), info, new Dictionary<string, double>(), seed: 1);
        var expected = model.Predict(rows.Table);
        using var scorer = new OnnxScorer(model.ExportOnnx(), rows.Features, rows.Label);
        var actual = scorer.Score(rows.Table);

        output.WriteLine(string.Join(", ", scorer.Inputs) + " → " + string.Join(", ", scorer.OutputNames));
        Assert.Equal(["age", "city", "income", "plan"], scorer.Inputs.Select(i => i.Name).Order(StringComparer.Ordinal));
        Assert.Equal(expected.PredictedClass, actual.PredictedClass);
        for (var i = 0; i < rows.Table.RowCount; i++)
        {
            if (rows.Label.IsClassification)
            {
                for (var c = 0; c < expected.Probabilities[i].Length; c++)
                {
                    Assert.InRange(actual.Probabilities[i][c], expected.Probabilities[i][c] - 1e-5, expected.Probabilities[i][c] + 1e-5);
                }
            }
            else
            {
                Assert.InRange(actual.Values[i], expected.Values[i] - (1e-5 * Math.Max(1, Math.Abs(expected.Values[i]))), expected.Values[i] + (1e-5 * Math.Max(1, Math.Abs(expected.Values[i]))));
            }
        }
    }

    [Fact]
    public void LightGbm_on_many_rows_exports_a_graph_that_onnx_runtime_loads()
    {
        // With enough rows LightGBM would split on the one-hot slots as categories, which the converter exports
        // as nodes without a feature id and ONNX Runtime then refuses.
        const string task = "binaryClassification";
        using var dir = new TempDirectory();
        var rows = Load(task, new SyntheticData { Task = task, Rows = 100_000 }.WriteCsv(dir.File("data.csv")));
        var backend = new MlNetBackend();
        var model = backend.Train(backend.Prepare(rows), backend.Algorithms(rows.Label.Task).Single(a => a.Name == "lightGbm"), new Dictionary<string, double>(), seed: 1);

        using var scorer = new OnnxScorer(model.ExportOnnx(), rows.Features, rows.Label);

        Assert.True(ParityCheck.Verify(model.Predict(rows.Table), scorer.Score(rows.Table), rows.Table) <= ParityCheck.Tolerance);
    }
}
