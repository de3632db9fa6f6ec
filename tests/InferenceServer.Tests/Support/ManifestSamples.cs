using Flywheel.Contracts.Artifacts;

namespace Flywheel.InferenceServer.Tests.Support;

/// <summary>Manifests built in code, for tests of parsing and monitoring that need no trained model.</summary>
internal static class ManifestSamples
{
    /// <summary>A binary model over a numeric 'age' (bins at 30 and 50) and a categorical 'genre'.</summary>
    public static ModelManifest Binary() => new()
    {
        Model = new ModelIdentity("default", "movies", "1.0"),
        Task = ModelTask.BinaryClassification,
        CreatedAt = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero),
        CodeVersion = "test",
        Seed = 1,
        DataDigest = "sha256:" + new string('0', 64),
        SchemaHash = "sha256:" + new string('1', 64),
        Onnx = new OnnxGraph
        {
            Sha256 = new string('0', 64),
            Inputs =
            [
                new OnnxInput { Name = "age", ElementType = "float", Feature = "age" },
                new OnnxInput { Name = "genre", ElementType = "string", Feature = "genre" },
            ],
            Outputs = new OnnxOutputs { Prediction = "label", Probability = "probabilities" },
        },
        Features =
        [
            new FeatureSchema { Name = "age", Type = FeatureType.Numeric },
            new FeatureSchema { Name = "genre", Type = FeatureType.Categorical, Vocabulary = TestModels.Genres },
        ],
        Label = new LabelSchema { Column = "liked", Classes = ["false", "true"], PositiveClass = "true" },
        Preprocessing = new PreprocessingRecord { Missing = "none", CategoricalEncoding = "oneHot", Scaling = "none" },
        Baseline = new Baseline
        {
            Samples = 100,
            Features =
            [
                new FeatureBaseline { Name = "age", BinEdges = [30, 50], Frequencies = [0.3, 0.4, 0.3] },
                new FeatureBaseline { Name = "genre", Categories = TestModels.Genres.ToDictionary(g => g, _ => 0.25) },
            ],
            Predictions = new PredictionBaseline { Classes = new Dictionary<string, double> { ["false"] = 0.5, ["true"] = 0.5 } },
        },
        Metrics = new Dictionary<string, double>(),
        Selection = new Selection
        {
            Algorithm = "test",
            Hyperparameters = new Dictionary<string, string>(),
            Metric = "accuracy",
            HigherIsBetter = true,
            Value = 1,
            Reason = "test",
        },
    };
}
