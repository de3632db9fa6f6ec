namespace Flywheel.Trainer.Tests;

public sealed class ReproducibilityTests
{
    [Theory]
    [InlineData("binaryClassification", "lbfgsLogisticRegression")]
    [InlineData("binaryClassification", "sdca")]
    [InlineData("binaryClassification", "fastTree")]
    [InlineData("binaryClassification", "lightGbm")]
    [InlineData("multiclassClassification", "fastTree")]
    [InlineData("regression", "onlineGradientDescent")]
    [InlineData("regression", "lightGbm")]
    public async Task The_same_inputs_and_seed_give_the_same_metrics_and_model_bytes(string task, string algorithm)
    {
        using var dir = new TempDirectory();
        var data = new SyntheticData { Task = task, Rows = 600 }.WriteCsv(dir.File("data.csv"));
        var spec = Specs.For(task, data, "csv", Specs.Candidate(algorithm));
        spec = spec with { Training = spec.Training with { Parallelism = 2 } };

        var first = await TrainerRunner.RunAsync(spec, dir.File("a"), Specs.Quiet);
        var second = await TrainerRunner.RunAsync(spec, dir.File("b"), Specs.Quiet);

        Assert.Equal(first.Manifest.Metrics, second.Manifest.Metrics);
        Assert.Equal(first.Manifest.Onnx.Sha256, second.Manifest.Onnx.Sha256);
        Assert.Equal(first.Manifest.DataDigest, second.Manifest.DataDigest);
        Assert.Equal(first.Manifest.FeatureImportance, second.Manifest.FeatureImportance);
        Assert.Equal(
            await File.ReadAllBytesAsync(Path.Combine(first.VersionDirectory, "model.onnx")),
            await File.ReadAllBytesAsync(Path.Combine(second.VersionDirectory, "model.onnx")));
    }

    [Fact]
    public async Task A_different_seed_changes_the_split_and_so_the_model()
    {
        using var dir = new TempDirectory();
        var data = new SyntheticData { Task = "binaryClassification", Rows = 600 }.WriteCsv(dir.File("data.csv"));
        var spec = Specs.For("binaryClassification", data);

        var first = await TrainerRunner.RunAsync(spec, dir.File("a"), Specs.Quiet);
        var second = await TrainerRunner.RunAsync(spec with { Training = spec.Training with { Seed = 12 } }, dir.File("b"), Specs.Quiet);

        Assert.NotEqual(first.Manifest.Onnx.Sha256, second.Manifest.Onnx.Sha256);
    }
}
