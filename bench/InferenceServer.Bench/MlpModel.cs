using Flywheel.Contracts.Artifacts;
using Flywheel.InferenceServer.Tests.Support;

namespace Flywheel.InferenceServer.Bench;

/// <summary>
/// A dense MLP (features → hidden → hidden → 2, ReLU, softmax) written as ONNX by hand, with a manifest the
/// server serves. One row is a memory-bound pass over every weight; a batch reuses them, so its compute
/// dominates and batches well, unlike a tree ensemble whose cost per row is the same at any batch size.
/// </summary>
internal static class MlpModel
{
    public const int Features = 16;

    public static string FeatureName(int i) => $"f{i:00}";

    public static string Write(string root, string version, int hidden)
    {
        var dir = Path.Combine(root, version);
        Directory.CreateDirectory(dir);
        var random = new Random(3);
        var inputs = Enumerable.Range(0, Features).Select(FeatureName).ToArray();
        int[] sizes = [Features, hidden, hidden, 2];
        var nodes = new List<byte[]> { OnnxWriter.Node("Concat", inputs, ["x0"], ("axis", 1)) };
        var initializers = new List<byte[]>();
        for (var layer = 0; layer < 3; layer++)
        {
            int fanIn = sizes[layer], fanOut = sizes[layer + 1];
            var scale = (float)Math.Sqrt(6.0 / fanIn);
            var weights = new float[fanIn * fanOut];
            for (var i = 0; i < weights.Length; i++)
            {
                weights[i] = (float)((random.NextDouble() * 2) - 1) * scale;
            }

            initializers.Add(OnnxWriter.FloatTensor($"w{layer}", [fanIn, fanOut], weights));
            initializers.Add(OnnxWriter.FloatTensor($"b{layer}", [fanOut], new float[fanOut]));
            nodes.Add(OnnxWriter.Node("MatMul", [$"x{layer}", $"w{layer}"], [$"m{layer}"]));
            nodes.Add(OnnxWriter.Node("Add", [$"m{layer}", $"b{layer}"], [layer == 2 ? "logits" : $"a{layer}"]));
            if (layer < 2)
            {
                nodes.Add(OnnxWriter.Node("Relu", [$"a{layer}"], [$"x{layer + 1}"]));
            }
        }

        nodes.Add(OnnxWriter.Node("Softmax", ["logits"], ["probabilities"], ("axis", 1)));
        nodes.Add(OnnxWriter.Node("ArgMax", ["logits"], ["label"], ("axis", 1), ("keepdims", 0)));
        var graph = OnnxWriter.Graph(
            "mlp",
            nodes,
            initializers,
            inputs.Select(name => OnnxWriter.ValueInfo(name, OnnxWriter.FloatType, null, 1)),
            [OnnxWriter.ValueInfo("probabilities", OnnxWriter.FloatType, null, 2), OnnxWriter.ValueInfo("label", OnnxWriter.Int64Type, [null])]);
        var onnxPath = Path.Combine(dir, "model.onnx");
        File.WriteAllBytes(onnxPath, OnnxWriter.Model(graph));

        double[] edges = [0.2, 0.4, 0.6, 0.8];
        var manifest = new ModelManifest
        {
            Model = new ModelIdentity("default", "movies", version),
            Task = ModelTask.BinaryClassification,
            CreatedAt = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero),
            CodeVersion = "bench",
            Seed = 3,
            DataDigest = "sha256:" + new string('0', 64),
            SchemaHash = "sha256:" + new string('1', 64),
            Onnx = new OnnxGraph
            {
                Sha256 = TestModels.Sha256Of(onnxPath),
                Inputs = [.. inputs.Select(name => new OnnxInput { Name = name, ElementType = "float", Feature = name })],
                Outputs = new OnnxOutputs { Prediction = "label", Probability = "probabilities" },
            },
            Features = [.. inputs.Select(name => new FeatureSchema { Name = name, Type = FeatureType.Numeric, Range = new NumericRange(0, 1) })],
            Label = new LabelSchema { Column = "label", Classes = ["false", "true"], PositiveClass = "true" },
            Preprocessing = new PreprocessingRecord { Missing = "none", CategoricalEncoding = "none", Scaling = "none" },
            Baseline = new Baseline
            {
                Samples = 1000,
                Features = [.. inputs.Select(name => new FeatureBaseline { Name = name, BinEdges = edges, Frequencies = [0.2, 0.2, 0.2, 0.2, 0.2] })],
                Predictions = new PredictionBaseline { Classes = new Dictionary<string, double> { ["false"] = 0.5, ["true"] = 0.5 } },
            },
            Metrics = new Dictionary<string, double> { ["accuracy"] = 0.5 },
            Selection = new Selection
            {
                Algorithm = "Mlp",
                Hyperparameters = new Dictionary<string, string> { ["hidden"] = hidden.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                Metric = "accuracy",
                HigherIsBetter = true,
                Value = 0.5,
                Reason = "benchmark model",
            },
        };
        File.WriteAllText(Path.Combine(dir, ManifestJson.ManifestFileName), ManifestJson.Serialize(manifest));
        return dir;
    }

    /// <summary>A V2 body of <paramref name="rows"/> rows, every feature in [0, 1).</summary>
    public static string Body(int rows)
    {
        var random = new Random(5);
        var parts = Enumerable.Range(0, Features).Select(f =>
        {
            var data = string.Join(",", Enumerable.Range(0, rows).Select(_ => random.NextDouble().ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)));
            return $$"""{"name":"{{FeatureName(f)}}","shape":[{{rows}},1],"datatype":"FP32","data":[{{data}}]}""";
        });
        return $$"""{"inputs":[{{string.Join(",", parts)}}]}""";
    }
}
