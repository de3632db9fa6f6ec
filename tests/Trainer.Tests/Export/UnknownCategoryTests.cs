using Flywheel.Trainer.Data;
using Flywheel.Trainer.Export;
using Flywheel.Trainer.Models;
using Flywheel.Trainer.Tests.Models;

namespace Flywheel.Trainer.Tests.Export;

public sealed class UnknownCategoryTests
{
    [Theory]
    [InlineData("oneHot")]
    [InlineData("label")]
    public void An_unseen_category_scores_the_same_in_onnx_as_in_mlnet_and_like_no_known_category(string encoding)
    {
        using var dir = new TempDirectory();
        var rows = MlNetBackendTests.Load("binaryClassification", new SyntheticData { Task = "binaryClassification", Rows = 600 }.WriteCsv(dir.File("data.csv")), encoding);
        var backend = new MlNetBackend();
        var model = backend.Train(backend.Prepare(rows), backend.Algorithms(rows.Label.Task)[0], new Dictionary<string, double>(), 1);
        var unseen = new DataTable(
        [
            new NumericColumn("age", [40, 40]),
            new NumericColumn("income", [60, 60]),
            new TextColumn("city", ["atlantis", "gotham"]),
            new TextColumn("plan", ["pro", "pro"]),
        ], RowOrigins.Of("probe:1", "probe:2"));

        using var scorer = new OnnxScorer(model.ExportOnnx(), rows.Features, rows.Label);
        var onnx = scorer.Score(unseen);
        var mlnet = model.Predict(unseen);

        Assert.True(ParityCheck.Verify(mlnet, onnx, unseen) <= ParityCheck.Tolerance);
        Assert.Equal(onnx.Probabilities[0][1], onnx.Probabilities[1][1]);
    }
}
