using Flywheel.Contracts.Artifacts;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Flywheel.Trainer.Tests;

public sealed class TrainerRunnerTests
{
    [Fact]
    public async Task Writes_a_version_directory_with_a_graph_fed_only_by_features_and_a_complete_manifest()
    {
        using var dir = new TempDirectory();
        var data = new SyntheticData { Task = "binaryClassification", Rows = 1200, MissingRate = 0.05 }.WriteCsv(dir.File("data.csv"));
        var spec = Specs.For("binaryClassification", data, "csv", Specs.Candidate("lbfgsLogisticRegression"), Specs.Candidate("fastTree", ("numberOfTrees", [5]), ("numberOfLeaves", [4])));
        var log = new StringWriter();

        var result = await TrainerRunner.RunAsync(spec, dir.File("store"), new TrainerOptions { Log = log });

        Assert.Equal(Path.Combine(dir.Path, "store", "default", "churn", "1.0"), result.VersionDirectory);
        var manifest = await ManifestJson.ReadAsync(result.VersionDirectory);
        var onnx = await File.ReadAllBytesAsync(Path.Combine(result.VersionDirectory, "model.onnx"));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(onnx)), manifest.Onnx.Sha256);
        Assert.Equal(["age", "income", "city", "plan"], manifest.Onnx.Inputs.Select(i => i.Name));
        Assert.All(manifest.Onnx.Inputs, i => Assert.Equal(i.Name, i.Feature));
        Assert.All(manifest.Onnx.Inputs, i => Assert.Null(i.Fill));
        Assert.Equal(["float", "float", "string", "string"], manifest.Onnx.Inputs.Select(i => i.ElementType));
        Assert.Equal(["no", "yes"], manifest.Label.Classes);
        Assert.Equal("yes", manifest.Label.PositiveClass);
        Assert.Equal(SyntheticData.Cities, manifest.Features.Single(f => f.Name == "city").Vocabulary);
        Assert.NotNull(manifest.Features.Single(f => f.Name == "age").ImputeValue);
        Assert.InRange(manifest.Metrics["accuracy"], 0.75, 1.0);
        Assert.InRange(manifest.Metrics["auc"], 0.8, 1.0);
        Assert.Equal(2, manifest.Candidates.Count);
        Assert.Equal("auc", manifest.Selection.Metric);
        Assert.StartsWith("sha256:", manifest.DataDigest);
        Assert.StartsWith("sha256:", manifest.SchemaHash);
        Assert.Equal(11, manifest.Seed);
        Assert.Equal("churn-run-1", manifest.TrainingRun);
        Assert.Equal(4, manifest.FeatureImportance.Count);
        Assert.True(manifest.FeatureImportance["age"] > 0.01, "age drives the label and must matter");
        Assert.True(manifest.TrainingData!.CellsFilled["age"] > 0);

        var age = manifest.Baseline.Features.Single(f => f.Name == "age");
        Assert.Equal(9, age.BinEdges!.Count);
        Assert.Equal(10, age.Frequencies!.Count);
        Assert.Equal(1.0, age.Frequencies.Sum(), 3);
        Assert.Equal(1.0, manifest.Baseline.Features.Single(f => f.Name == "city").Categories!.Values.Sum(), 3);
        Assert.Equal(["no", "yes"], manifest.Baseline.Predictions.Classes!.Keys.Order());
        Assert.Equal(2, manifest.Candidates.Sum(c => c.Trials.Count));
        Assert.All(manifest.Candidates.SelectMany(c => c.Trials), t => Assert.True(t.OnnxLatencyMicroseconds > 0));

        var text = log.ToString();
        foreach (var step in new[] { "spec:", "load:", "clean:", "label conflicts:", "transform:", "trial 1/2", "trial 2/2", "select:", "export:", "parity:", "importance:", "write:" })
        {
            Assert.Contains("[trainer] " + step, text);
        }

        Assert.Equal(["1.0"], Directory.GetDirectories(Path.Combine(dir.Path, "store", "default", "churn")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task The_served_graph_answers_from_features_alone_as_the_manifest_describes()
    {
        using var dir = new TempDirectory();
        var data = new SyntheticData { Task = "binaryClassification", Rows = 800 }.WriteCsv(dir.File("data.csv"));
        var result = await TrainerRunner.RunAsync(Specs.For("binaryClassification", data), dir.File("store"), Specs.Quiet);
        var manifest = result.Manifest;

        using var session = new InferenceSession(Path.Combine(result.VersionDirectory, "model.onnx"));
        Assert.Equal(manifest.Onnx.Inputs.Select(i => i.Name).Order(), session.InputMetadata.Keys.Order());
        var inputs = new List<NamedOnnxValue>
        {
            NamedOnnxValue.CreateFromTensor("age", new DenseTensor<float>(new[] { 75f, 20f }, [2, 1])),
            NamedOnnxValue.CreateFromTensor("income", new DenseTensor<float>(new[] { 95f, 25f }, [2, 1])),
            NamedOnnxValue.CreateFromTensor("city", new DenseTensor<string>(new[] { "oslo", "atlantis" }, [2, 1])),
            NamedOnnxValue.CreateFromTensor("plan", new DenseTensor<string>(new[] { "pro", "basic" }, [2, 1])),
        };

        using var outputs = session.Run(inputs, [manifest.Onnx.Outputs.Prediction, manifest.Onnx.Outputs.Probability!]);
        var predicted = outputs.Single(o => o.Name == manifest.Onnx.Outputs.Prediction).AsTensor<bool>().ToArray();
        var probability = outputs.Single(o => o.Name == manifest.Onnx.Outputs.Probability).AsTensor<float>().ToArray();
        Assert.Equal([true, false], predicted);
        Assert.True(probability[0] > 0.8 && probability[1] < 0.2, $"P(yes) = {probability[0]}, {probability[1]}");
    }

    [Fact]
    public async Task Output_may_name_the_version_directory_itself_and_an_existing_version_is_refused()
    {
        using var dir = new TempDirectory();
        var data = new SyntheticData { Task = "regression", Rows = 400 }.WriteCsv(dir.File("data.csv"));
        var target = Path.Combine(dir.Path, "store", "default", "churn", "1.0");

        var result = await TrainerRunner.RunAsync(Specs.For("regression", data), target, Specs.Quiet);

        Assert.Equal(target, result.VersionDirectory);
        Assert.True(File.Exists(Path.Combine(target, "manifest.json")));
        Assert.Equal("default/churn/1.0", result.Summary.VersionDirectory);
        var again = await Assert.ThrowsAsync<TrainingInputException>(() => TrainerRunner.RunAsync(Specs.For("regression", data), target, Specs.Quiet));
        Assert.Contains("set model.version to a new version", again.Message);
    }
}
