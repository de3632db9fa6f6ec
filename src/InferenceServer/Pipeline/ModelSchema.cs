using Flywheel.Contracts.Artifacts;
using Flywheel.Contracts.Metrics;

namespace Flywheel.InferenceServer.Pipeline;

/// <summary>ONNX element types the server can feed.</summary>
internal enum GraphElementType
{
    Float,
    Double,
    Int64,
    Bool,
    String,
}

/// <summary>One feature as the server parses, feeds and monitors it.</summary>
internal sealed class FeatureSpec
{
    private static readonly Dictionary<string, int> EmptyCategories = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _categories = EmptyCategories;

    public required string Name { get; init; }

    public required int Index { get; init; }

    public required bool IsNumeric { get; init; }

    /// <summary>Categorical: vocabulary value → category index; unknown is <see cref="Vocabulary"/>.Count, missing the next.</summary>
    public IReadOnlyDictionary<string, int> Categories
    {
        get => _categories;
        init
        {
            _categories = new Dictionary<string, int>(value, StringComparer.Ordinal);
            CategoryLookup = _categories.GetAlternateLookup<ReadOnlySpan<char>>();
        }
    }

    /// <summary><see cref="Categories"/> as the concrete dictionary, for lookups on the hot path.</summary>
    public Dictionary<string, int> CategoryIndex => _categories;

    /// <summary><see cref="Categories"/> looked up by characters, so that parsing need not allocate a string.</summary>
    public Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> CategoryLookup { get; private set; } = EmptyCategories.GetAlternateLookup<ReadOnlySpan<char>>();

    public IReadOnlyList<string> Vocabulary { get; init; } = [];

    /// <summary>Numeric: inner bin edges of the baseline.</summary>
    public double[] BinEdges { get; init; } = [];

    /// <summary>Names of the monitoring bins: numeric ranges, or categories then unknown and missing.</summary>
    public required string[] BinNames { get; init; }

    /// <summary>Baseline share per monitoring bin.</summary>
    public required double[] BaselineShares { get; init; }

    public int UnknownBin => Vocabulary.Count;

    public int MissingBin => IsNumeric ? BinEdges.Length + 1 : Vocabulary.Count + 1;
}

/// <summary>One graph input: fed from a feature, or filled with a constant.</summary>
internal sealed record GraphInput(string Name, GraphElementType ElementType, int FeatureIndex, string? Fill);

/// <summary>The manifest turned into what serving needs, validated once at load.</summary>
internal sealed class ModelSchema
{
    private ModelSchema(ModelManifest manifest)
    {
        Manifest = manifest;
    }

    public ModelManifest Manifest { get; }

    public IReadOnlyList<FeatureSpec> Features { get; private init; } = [];

    public IReadOnlyDictionary<string, int> FeatureIndex { get; private init; } = new Dictionary<string, int>();

    public IReadOnlyList<GraphInput> Inputs { get; private init; } = [];

    public ModelTask Task => Manifest.Task;

    public bool IsClassification => Task != ModelTask.Regression;

    public string[] Classes
    {
        get;
        private init
        {
            field = value;
            ClassList = string.Join(",", value);
            EncodedClasses = [.. value.Select(c => System.Text.Json.JsonEncodedText.Encode(c))];
        }
    } = [];

    /// <summary>The class names escaped for JSON once, rather than in every response.</summary>
    public System.Text.Json.JsonEncodedText[] EncodedClasses { get; private set; } = [];

    /// <summary>The class names joined with commas, as responses name them.</summary>
    public string ClassList { get; private set; } = string.Empty;

    public int PositiveClass { get; private init; } = -1;

    public double Threshold => Manifest.Label.DecisionThreshold;

    /// <summary>Prediction monitoring: class names, or regression bins over the baseline edges.</summary>
    public string[] PredictionBins { get; private init; } = [];

    public double[] PredictionBaseline { get; private init; } = [];

    public double[] PredictionEdges { get; private init; } = [];

    public string FeatureList => string.Join(", ", Features.Select(f => f.Name));

    /// <summary>Builds the schema; an inconsistent manifest fails with the field that is wrong.</summary>
    public static ModelSchema From(ModelManifest manifest)
    {
        var baselines = manifest.Baseline.Features.ToDictionary(b => b.Name, StringComparer.Ordinal);
        var features = new List<FeatureSpec>();
        foreach (var (feature, index) in manifest.Features.Select((f, i) => (f, i)))
        {
            baselines.TryGetValue(feature.Name, out var baseline);
            features.Add(feature.Type == FeatureType.Numeric ? Numeric(feature, index, baseline) : Categorical(feature, index, baseline));
        }

        var featureIndex = features.ToDictionary(f => f.Name, f => f.Index, StringComparer.Ordinal);
        var inputs = new List<GraphInput>();
        foreach (var input in manifest.Onnx.Inputs)
        {
            var type = input.ElementType switch
            {
                "float" => GraphElementType.Float,
                "double" => GraphElementType.Double,
                "int64" => GraphElementType.Int64,
                "bool" => GraphElementType.Bool,
                "string" => GraphElementType.String,
                var other => throw new InvalidDataException($"manifest onnx.inputs[{input.Name}].elementType \"{other}\" is not supported; use float, double, int64, bool or string"),
            };
            if (input.Feature is { } name)
            {
                if (!featureIndex.TryGetValue(name, out var idx))
                {
                    throw new InvalidDataException($"manifest onnx.inputs[{input.Name}].feature \"{name}\" is not in features; features are {string.Join(", ", featureIndex.Keys)}");
                }

                inputs.Add(new GraphInput(input.Name, type, idx, null));
            }
            else
            {
                inputs.Add(new GraphInput(input.Name, type, -1, input.Fill
                    ?? throw new InvalidDataException($"manifest onnx.inputs[{input.Name}] has neither feature nor fill; give one")));
            }
        }

        var classes = manifest.Label.Classes.ToArray();
        if (manifest.Task != ModelTask.Regression && classes.Length < 2)
        {
            throw new InvalidDataException($"manifest label.classes has {classes.Length} classes; a classification model needs at least 2");
        }

        var positive = -1;
        if (manifest.Task == ModelTask.BinaryClassification)
        {
            positive = manifest.Label.PositiveClass is { } p ? Array.IndexOf(classes, p) : 1;
            if (positive < 0 || classes.Length != 2)
            {
                throw new InvalidDataException($"manifest label: a binary task needs 2 classes with positiveClass among them; got classes [{string.Join(", ", classes)}] and positiveClass \"{manifest.Label.PositiveClass}\"");
            }
        }

        var predictions = manifest.Baseline.Predictions;
        string[] predictionBins;
        double[] predictionBaseline;
        double[] predictionEdges = [];
        if (manifest.Task == ModelTask.Regression)
        {
            predictionEdges = [.. predictions.BinEdges ?? []];
            predictionBins = NumericBinNames(predictionEdges);
            predictionBaseline = Shares(predictions.Frequencies, predictionBins.Length, "baseline.predictions.frequencies");
        }
        else
        {
            predictionBins = classes;
            predictionBaseline = [.. classes.Select(c => predictions.Classes is { } shares && shares.TryGetValue(c, out var s) ? s : 0)];
        }

        return new ModelSchema(manifest)
        {
            Features = features,
            FeatureIndex = featureIndex,
            Inputs = inputs,
            Classes = classes,
            PositiveClass = positive,
            PredictionBins = predictionBins,
            PredictionBaseline = predictionBaseline,
            PredictionEdges = predictionEdges,
        };
    }

    private static FeatureSpec Numeric(FeatureSchema feature, int index, FeatureBaseline? baseline)
    {
        double[] edges = [.. baseline?.BinEdges ?? []];
        for (var i = 1; i < edges.Length; i++)
        {
            if (!(edges[i] > edges[i - 1]))
            {
                throw new InvalidDataException($"manifest baseline.features[{feature.Name}].binEdges must increase strictly; edge {i} ({edges[i]}) is not above {edges[i - 1]}");
            }
        }

        var names = NumericBinNames(edges);
        var shares = Shares(baseline?.Frequencies, names.Length, $"baseline.features[{feature.Name}].frequencies");
        return new FeatureSpec
        {
            Name = feature.Name,
            Index = index,
            IsNumeric = true,
            BinEdges = edges,
            BinNames = [.. names, MetricLabels.MissingCategory],
            BaselineShares = [.. shares, 0],
        };
    }

    private static FeatureSpec Categorical(FeatureSchema feature, int index, FeatureBaseline? baseline)
    {
        var vocabulary = feature.Vocabulary ?? baseline?.Categories?.Keys.ToList()
            ?? throw new InvalidDataException($"manifest features[{feature.Name}] is categorical but has no vocabulary; list the training categories");
        var categories = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var value in vocabulary)
        {
            categories.TryAdd(value, categories.Count);
        }

        var shares = vocabulary.Select(v => baseline?.Categories is { } c && c.TryGetValue(v, out var s) ? s : 0).ToList();
        return new FeatureSpec
        {
            Name = feature.Name,
            Index = index,
            IsNumeric = false,
            Categories = categories,
            Vocabulary = [.. vocabulary],
            BinNames = [.. vocabulary, MetricLabels.UnknownCategory, MetricLabels.MissingCategory],
            BaselineShares = [.. shares, 0, 0],
        };
    }

    private static double[] Shares(IReadOnlyList<double>? frequencies, int bins, string field)
    {
        if (frequencies is null)
        {
            // No baseline recorded: drift is measured against a flat distribution rather than refused.
            return [.. Enumerable.Repeat(1.0 / bins, bins)];
        }

        return frequencies.Count == bins
            ? [.. frequencies]
            : throw new InvalidDataException($"manifest {field} has {frequencies.Count} values but {bins - 1} bin edges make {bins} bins; give one share per bin");
    }

    internal static string[] NumericBinNames(IReadOnlyList<double> edges)
    {
        var names = new string[edges.Count + 1];
        for (var i = 0; i <= edges.Count; i++)
        {
            var lo = i == 0 ? "-Inf" : Format(edges[i - 1]);
            var hi = i == edges.Count ? "+Inf" : Format(edges[i]);
            names[i] = $"[{lo},{hi})";
        }

        return names;
    }

    private static string Format(double value) => value.ToString("G6", System.Globalization.CultureInfo.InvariantCulture);
}
