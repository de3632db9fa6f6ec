using System.Security.Cryptography;
using Flywheel.Contracts.Artifacts;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace Flywheel.InferenceServer.Tests.Support;

/// <summary>Which tabular model to train for a test.</summary>
public enum TestModelKind
{
    /// <summary>FastTree (20 trees) on liked/disliked: the small tabular model.</summary>
    Binary,

    /// <summary>Maximum-entropy classifier over three rating classes.</summary>
    Multiclass,

    /// <summary>FastTree with 500 trees: a model whose compute dominates.</summary>
    BinaryLarge,
}

/// <summary>
/// Trains small tabular models with ML.NET, exports them with the ONNX converter and writes a model
/// directory (model.onnx + manifest.json) that follows the artifact contract, as the trainer does.
/// </summary>
public static class TestModels
{
    public static readonly string[] Genres = ["action", "comedy", "drama", "horror"];

    public static readonly string[] RatingClasses = ["high", "low", "mid"];

    /// <summary>Trains the model and writes <c>&lt;root&gt;/&lt;version&gt;/</c>; returns that directory.</summary>
    public static string Write(string root, TestModelKind kind, string version, string name = "movies", string @namespace = "default")
    {
        var dir = Path.Combine(root, version);
        Directory.CreateDirectory(dir);
        var ml = new MLContext(seed: 7);
        var rows = MakeRows(2000, seed: 11);
        var onnxPath = Path.Combine(dir, "model.onnx");

        IReadOnlyList<string> classes;
        Dictionary<string, double> predictionShares;
        OnnxOutputs outputs;
        ModelTask task;
        string labelElementType;
        string labelFill;
        if (kind == TestModelKind.Multiclass)
        {
            var data = ml.Data.LoadFromEnumerable(rows.Select(r => new MultiRow { Age = r.Age, Income = r.Income, Genre = r.Genre, Label = r.Rating }));
            var pipeline = ml.Transforms.Conversion.MapValueToKey("Label", keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
                .Append(Features(ml))
                .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(maximumNumberOfIterations: 20))
                .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
            var model = pipeline.Fit(data);
            Export(ml, model, data, onnxPath);
            var predicted = ml.Data.CreateEnumerable<MultiPrediction>(model.Transform(data), reuseRowObject: false).Select(p => p.PredictedLabel ?? string.Empty).ToList();
            classes = RatingClasses;
            predictionShares = classes.ToDictionary(c => c, c => predicted.Count(p => p == c) / (double)predicted.Count);
            outputs = new OnnxOutputs { Prediction = "PredictedLabel.output", Probability = "Score.output", Score = "Score.output" };
            task = ModelTask.MulticlassClassification;
            labelElementType = "string";
            labelFill = string.Empty;
        }
        else
        {
            var data = ml.Data.LoadFromEnumerable(rows.Select(r => new BinaryRow { Age = r.Age, Income = r.Income, Genre = r.Genre, Label = r.Liked }));
            var trees = kind == TestModelKind.BinaryLarge ? 500 : 20;
            var pipeline = Features(ml)
                .Append(ml.BinaryClassification.Trainers.FastTree(numberOfTrees: trees, numberOfLeaves: 16, minimumExampleCountPerLeaf: 5));
            var model = pipeline.Fit(data);
            Export(ml, model, data, onnxPath);
            var predicted = ml.Data.CreateEnumerable<BinaryPrediction>(model.Transform(data), reuseRowObject: false).Select(p => p.PredictedLabel).ToList();
            classes = ["false", "true"];
            var positives = predicted.Count(p => p) / (double)predicted.Count;
            predictionShares = new Dictionary<string, double> { ["false"] = 1 - positives, ["true"] = positives };
            outputs = new OnnxOutputs { Prediction = "PredictedLabel.output", Probability = "Probability.output", Score = "Score.output" };
            task = ModelTask.BinaryClassification;
            labelElementType = "bool";
            labelFill = "false";
        }

        var manifest = new ModelManifest
        {
            Model = new ModelIdentity(@namespace, name, version),
            Task = task,
            CreatedAt = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero),
            CodeVersion = "test",
            Seed = 7,
            DataDigest = "sha256:" + new string('0', 64),
            SchemaHash = "sha256:" + new string('1', 64),
            Onnx = new OnnxGraph
            {
                Sha256 = Sha256Of(onnxPath),
                Inputs =
                [
                    new OnnxInput { Name = "age", ElementType = "float", Feature = "age" },
                    new OnnxInput { Name = "income", ElementType = "float", Feature = "income" },
                    new OnnxInput { Name = "genre", ElementType = "string", Feature = "genre" },
                    new OnnxInput { Name = "Label", ElementType = labelElementType, Fill = labelFill },
                ],
                Outputs = outputs,
            },
            Features =
            [
                new FeatureSchema { Name = "age", Type = FeatureType.Numeric, Range = new NumericRange(rows.Min(r => r.Age), rows.Max(r => r.Age)) },
                new FeatureSchema { Name = "income", Type = FeatureType.Numeric, Range = new NumericRange(rows.Min(r => r.Income), rows.Max(r => r.Income)) },
                new FeatureSchema { Name = "genre", Type = FeatureType.Categorical, Vocabulary = Genres },
            ],
            Label = new LabelSchema { Column = "Label", Classes = classes, PositiveClass = task == ModelTask.BinaryClassification ? "true" : null },
            Preprocessing = new PreprocessingRecord { Missing = "none", CategoricalEncoding = "oneHot", Scaling = "minMax" },
            Baseline = new Baseline
            {
                Samples = rows.Count,
                Features =
                [
                    NumericBaseline("age", rows.Select(r => (double)r.Age).ToList()),
                    NumericBaseline("income", rows.Select(r => (double)r.Income).ToList()),
                    new FeatureBaseline { Name = "genre", Categories = Genres.ToDictionary(g => g, g => rows.Count(r => r.Genre == g) / (double)rows.Count) },
                ],
                Predictions = new PredictionBaseline { Classes = predictionShares },
            },
            Metrics = new Dictionary<string, double> { ["accuracy"] = 0.9 },
            Selection = new Selection
            {
                Algorithm = kind == TestModelKind.Multiclass ? "SdcaMaximumEntropy" : "FastTree",
                Hyperparameters = new Dictionary<string, string>(),
                Metric = "accuracy",
                HigherIsBetter = true,
                Value = 0.9,
                Reason = "only candidate",
            },
        };
        File.WriteAllText(Path.Combine(dir, ManifestJson.ManifestFileName), ManifestJson.Serialize(manifest));
        return dir;
    }

    public static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>The synthetic rows: liking rises with age and with drama, falls with horror.</summary>
    internal static List<SourceRow> MakeRows(int count, int seed)
    {
        var random = new Random(seed);
        var rows = new List<SourceRow>(count);
        for (var i = 0; i < count; i++)
        {
            var age = 18 + (float)(random.NextDouble() * 60);
            var income = 20_000 + (float)(random.NextDouble() * 80_000);
            var genre = Genres[random.Next(Genres.Length)];
            var score = ((age - 48) / 15) + (genre == "drama" ? 1.2 : genre == "horror" ? -1.2 : 0) + ((income - 60_000) / 40_000) + ((random.NextDouble() - 0.5) * 1.5);
            var rating = score > 0.7 ? "high" : score < -0.7 ? "low" : "mid";
            rows.Add(new SourceRow(age, income, genre, score > 0, rating));
        }

        return rows;
    }

    private static IEstimator<ITransformer> Features(MLContext ml) =>
        ml.Transforms.Categorical.OneHotEncoding("GenreEncoded", "genre")
            .Append(ml.Transforms.Concatenate("Features", "age", "income", "GenreEncoded"))
            .Append(ml.Transforms.NormalizeMinMax("Features"));

    private static void Export(MLContext ml, ITransformer model, IDataView data, string path)
    {
        using var stream = File.Create(path);
        ml.Model.ConvertToOnnx(model, data, stream);
    }

    /// <summary>Decile edges over the training values, with the share of values in each of the bins.</summary>
    private static FeatureBaseline NumericBaseline(string name, List<double> values)
    {
        var sorted = values.Order().ToArray();
        var edges = Enumerable.Range(1, 9).Select(i => sorted[i * sorted.Length / 10]).Distinct().ToArray();
        var counts = new double[edges.Length + 1];
        foreach (var value in values)
        {
            var bin = 0;
            while (bin < edges.Length && value >= edges[bin])
            {
                bin++;
            }

            counts[bin]++;
        }

        return new FeatureBaseline { Name = name, BinEdges = edges, Frequencies = counts.Select(c => c / values.Count).ToArray() };
    }

    internal sealed record SourceRow(float Age, float Income, string Genre, bool Liked, string Rating);

    private sealed class BinaryRow
    {
        [ColumnName("age")]
        public float Age { get; set; }

        [ColumnName("income")]
        public float Income { get; set; }

        [ColumnName("genre")]
        public string Genre { get; set; } = string.Empty;

        public bool Label { get; set; }
    }

    private sealed class MultiRow
    {
        [ColumnName("age")]
        public float Age { get; set; }

        [ColumnName("income")]
        public float Income { get; set; }

        [ColumnName("genre")]
        public string Genre { get; set; } = string.Empty;

        public string Label { get; set; } = string.Empty;
    }

    private sealed class BinaryPrediction
    {
        public bool PredictedLabel { get; set; }
    }

    private sealed class MultiPrediction
    {
        public string? PredictedLabel { get; set; }
    }
}
