using System.Text.Json.Nodes;
using Flywheel.Contracts.Artifacts;

namespace Flywheel.Contracts.Tests.Artifacts;

public sealed class ManifestJsonTests
{
    internal static ModelManifest Sample() => new()
    {
        Model = new ModelIdentity("default", "churn", "1.0"),
        Task = ModelTask.BinaryClassification,
        CreatedAt = new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero),
        TrainingRun = "churn-initial-1",
        CodeVersion = "0.1.0",
        Seed = 42,
        DataDigest = "sha256:ab",
        SchemaHash = "sha256:cd",
        Onnx = new OnnxGraph
        {
            Sha256 = "00ff",
            Inputs =
            [
                new OnnxInput { Name = "tenure", ElementType = "float", Feature = "tenure" },
                new OnnxInput { Name = "plan", ElementType = "string", Feature = "plan" },
                new OnnxInput { Name = "churned", ElementType = "bool", Fill = "false" },
            ],
            Outputs = new OnnxOutputs { Prediction = "PredictedLabel.output", Probability = "Probability.output" },
        },
        Features =
        [
            new FeatureSchema { Name = "tenure", Type = FeatureType.Numeric, Range = new NumericRange(0, 72) },
            new FeatureSchema { Name = "plan", Type = FeatureType.Categorical, Vocabulary = ["basic", "pro"] },
        ],
        Label = new LabelSchema { Column = "churned", Classes = ["false", "true"], PositiveClass = "true" },
        Preprocessing = new PreprocessingRecord { Missing = "imputeMean", CategoricalEncoding = "oneHot", Scaling = "minMax" },
        Baseline = new Baseline
        {
            Samples = 1000,
            Features =
            [
                new FeatureBaseline { Name = "tenure", BinEdges = [12, 24], Frequencies = [0.3, 0.3, 0.4] },
                new FeatureBaseline { Name = "plan", Categories = new Dictionary<string, double> { ["basic"] = 0.6, ["pro"] = 0.4 } },
            ],
            Predictions = new PredictionBaseline { Classes = new Dictionary<string, double> { ["false"] = 0.7, ["true"] = 0.3 } },
        },
        Metrics = new Dictionary<string, double> { ["accuracy"] = 0.91, ["auc"] = 0.95 },
        Selection = new Selection
        {
            Algorithm = "fastTree",
            Hyperparameters = new Dictionary<string, string> { ["numberOfTrees"] = "100" },
            Metric = "auc",
            HigherIsBetter = true,
            Value = 0.95,
            Reason = "best auc",
        },
    };

    [Fact]
    public void Writes_camel_case_names_and_enum_strings_and_omits_nulls()
    {
        var json = JsonNode.Parse(ManifestJson.Serialize(Sample()))!;

        Assert.Equal(ModelManifest.CurrentFormat, (string?)json["format"]);
        Assert.Equal("binaryClassification", (string?)json["task"]);
        Assert.Equal("categorical", (string?)json["features"]![1]!["type"]);
        Assert.Equal("PredictedLabel.output", (string?)json["onnx"]!["outputs"]!["prediction"]);
        Assert.Null(json["features"]![0]!["vocabulary"]);
        Assert.Equal(0.5, (double)json["label"]!["decisionThreshold"]!);
    }

    [Fact]
    public void Round_trips_every_field_that_the_server_reads()
    {
        var original = Sample();

        var copy = ManifestJson.Deserialize(ManifestJson.Serialize(original));

        Assert.Equal(original.Model, copy.Model);
        Assert.Equal(original.Task, copy.Task);
        Assert.Equal(original.Onnx.Inputs, copy.Onnx.Inputs);
        Assert.Equal(original.Onnx.Outputs, copy.Onnx.Outputs);
        Assert.Equal(["basic", "pro"], copy.Features[1].Vocabulary);
        Assert.Equal([12.0, 24.0], copy.Baseline.Features[0].BinEdges);
        Assert.Equal(0.4, copy.Baseline.Features[1].Categories!["pro"]);
        Assert.Equal(0.95, copy.Metrics["auc"]);
    }

    [Fact]
    public void An_unknown_format_is_refused_with_the_expected_one_named()
    {
        var json = ManifestJson.Serialize(Sample() with { Format = "something/v9" });

        var error = Assert.Throws<InvalidDataException>(() => ManifestJson.Deserialize(json, "store/churn/1.0/manifest.json"));

        Assert.Contains("store/churn/1.0/manifest.json", error.Message);
        Assert.Contains(ModelManifest.CurrentFormat, error.Message);
    }

    [Fact]
    public void Malformed_json_names_the_path_of_the_bad_value()
    {
        var json = ManifestJson.Serialize(Sample()).Replace("\"seed\": 42", "\"seed\": \"forty-two\"", StringComparison.Ordinal);

        var error = Assert.Throws<InvalidDataException>(() => ManifestJson.Deserialize(json));

        Assert.Contains("$.seed", error.Message);
    }
}
