using System.Text.Json.Serialization;

namespace Flywheel.Contracts.Artifacts;

/// <summary>
/// <c>manifest.json</c> beside <c>model.onnx</c> in <c>&lt;store&gt;/&lt;namespace&gt;/&lt;model&gt;/&lt;version&gt;/</c>:
/// the contract between the trainer, the operator and the inference server.
/// </summary>
public sealed record ModelManifest
{
    /// <summary>The manifest format this record describes.</summary>
    public const string CurrentFormat = "flywheel.dev/model-manifest/v1";

    public string Format { get; init; } = CurrentFormat;

    public required ModelIdentity Model { get; init; }

    public required ModelTask Task { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The TrainingRun that produced this version.</summary>
    public string? TrainingRun { get; init; }

    /// <summary>Version of the trainer that wrote it (program version and source revision).</summary>
    public required string CodeVersion { get; init; }

    public required int Seed { get; init; }

    /// <summary>sha256 over the training inputs, <c>sha256:&lt;hex&gt;</c>.</summary>
    public required string DataDigest { get; init; }

    /// <summary>sha256 over the feature schema (names, types, order); a change bumps the major version.</summary>
    public required string SchemaHash { get; init; }

    public required OnnxGraph Onnx { get; init; }

    /// <summary>Input features in the order the graph expects them, before derived features.</summary>
    public required IReadOnlyList<FeatureSchema> Features { get; init; }

    public required LabelSchema Label { get; init; }

    public required PreprocessingRecord Preprocessing { get; init; }

    public required Baseline Baseline { get; init; }

    /// <summary>The chosen candidate's holdout metrics (accuracy, macroF1, auc / rmse, mae, r2).</summary>
    public required IReadOnlyDictionary<string, double> Metrics { get; init; }

    public required Selection Selection { get; init; }

    /// <summary>Every candidate tried, with its trials.</summary>
    public IReadOnlyList<CandidateRecord> Candidates { get; init; } = [];

    /// <summary>Permutation importance on the holdout: drop of the objective metric per feature.</summary>
    public IReadOnlyDictionary<string, double> FeatureImportance { get; init; } = new Dictionary<string, double>();

    /// <summary>Rows loaded, cleaned, resolved and validated on; null from trainers that do not report it.</summary>
    public TrainingDataRecord? TrainingData { get; init; }
}

/// <summary>Which model and version an artifact is.</summary>
public sealed record ModelIdentity(string Namespace, string Name, string Version);

[JsonConverter(typeof(JsonStringEnumConverter<ModelTask>))]
public enum ModelTask
{
    [JsonStringEnumMemberName("binaryClassification")]
    BinaryClassification,

    [JsonStringEnumMemberName("multiclassClassification")]
    MulticlassClassification,

    [JsonStringEnumMemberName("regression")]
    Regression,
}

[JsonConverter(typeof(JsonStringEnumConverter<FeatureType>))]
public enum FeatureType
{
    [JsonStringEnumMemberName("numeric")]
    Numeric,

    [JsonStringEnumMemberName("categorical")]
    Categorical,
}

/// <summary>One input feature as the caller sends it.</summary>
public sealed record FeatureSchema
{
    public required string Name { get; init; }

    public required FeatureType Type { get; init; }

    /// <summary>Categorical: the training vocabulary; any other value is unknown (<c>__unknown__</c>).</summary>
    public IReadOnlyList<string>? Vocabulary { get; init; }

    /// <summary>Numeric: the range seen in training.</summary>
    public NumericRange? Range { get; init; }

    /// <summary>The value used for a missing input when preprocessing imputes; null when rows are dropped.</summary>
    public string? ImputeValue { get; init; }
}

public sealed record NumericRange(double Min, double Max);

/// <summary>The label: its column and, for classification, the classes in the graph's score order.</summary>
public sealed record LabelSchema
{
    public required string Column { get; init; }

    /// <summary>Class labels in the order of the graph's score/probability vector; empty for regression.</summary>
    public IReadOnlyList<string> Classes { get; init; } = [];

    /// <summary>Binary tasks: the class a probability at or above <see cref="DecisionThreshold"/> predicts.</summary>
    public string? PositiveClass { get; init; }

    public double DecisionThreshold { get; init; } = 0.5;
}

/// <summary>How to feed and read <c>model.onnx</c>.</summary>
public sealed record OnnxGraph
{
    public string File { get; init; } = "model.onnx";

    /// <summary>sha256 of <c>model.onnx</c> as lowercase hex; the server refuses a file that differs.</summary>
    public required string Sha256 { get; init; }

    /// <summary>Every graph input, each fed from a feature or with a fixed fill value.</summary>
    public required IReadOnlyList<OnnxInput> Inputs { get; init; }

    public required OnnxOutputs Outputs { get; init; }
}

/// <summary>
/// One graph input, shaped <c>[batch, 1]</c>. <see cref="Feature"/> names the feature it is fed from;
/// inputs the served graph needs but no caller sends (such as the label) carry <see cref="Fill"/>.
/// </summary>
public sealed record OnnxInput
{
    public required string Name { get; init; }

    /// <summary>ONNX element type: <c>float</c>, <c>double</c>, <c>int64</c>, <c>bool</c> or <c>string</c>.</summary>
    public required string ElementType { get; init; }

    public string? Feature { get; init; }

    public string? Fill { get; init; }
}

/// <summary>Names of the graph outputs the server reads.</summary>
public sealed record OnnxOutputs
{
    /// <summary>Predicted label (classification) or value (regression).</summary>
    public required string Prediction { get; init; }

    /// <summary>Per-class probabilities (multiclass: a vector in <see cref="LabelSchema.Classes"/> order; binary: P(positive)).</summary>
    public string? Probability { get; init; }

    public string? Score { get; init; }
}

/// <summary>The preprocessing the graph performs, recorded for people and for parity checks.</summary>
public sealed record PreprocessingRecord
{
    public required string Missing { get; init; }

    public required string CategoricalEncoding { get; init; }

    public required string Scaling { get; init; }

    public IReadOnlyList<DerivedFeature> Derived { get; init; } = [];
}

public sealed record DerivedFeature(string Name, string Expression);

/// <summary>Training-time distributions that drift is measured against.</summary>
public sealed record Baseline
{
    /// <summary>Rows the baseline was computed from.</summary>
    public required long Samples { get; init; }

    public required IReadOnlyList<FeatureBaseline> Features { get; init; }

    public required PredictionBaseline Predictions { get; init; }
}

/// <summary>
/// A feature's training distribution. Numeric: <see cref="BinEdges"/> are the inner edges (deciles), so
/// there are <c>BinEdges.Count + 1</c> bins with open-ended outer bins; <see cref="Frequencies"/> holds their
/// shares. Categorical: <see cref="Categories"/> maps each vocabulary value to its share.
/// </summary>
public sealed record FeatureBaseline
{
    public required string Name { get; init; }

    public IReadOnlyList<double>? BinEdges { get; init; }

    public IReadOnlyList<double>? Frequencies { get; init; }

    public IReadOnlyDictionary<string, double>? Categories { get; init; }
}

/// <summary>Prediction distribution on the holdout: class shares, or a histogram for regression.</summary>
public sealed record PredictionBaseline
{
    public IReadOnlyDictionary<string, double>? Classes { get; init; }

    public IReadOnlyList<double>? BinEdges { get; init; }

    public IReadOnlyList<double>? Frequencies { get; init; }
}

/// <summary>Why the chosen candidate won.</summary>
public sealed record Selection
{
    public required string Algorithm { get; init; }

    public required IReadOnlyDictionary<string, string> Hyperparameters { get; init; }

    /// <summary>The objective metric and whether larger is better.</summary>
    public required string Metric { get; init; }

    public required bool HigherIsBetter { get; init; }

    public required double Value { get; init; }

    public required string Reason { get; init; }
}

/// <summary>One candidate algorithm and every trial of it.</summary>
public sealed record CandidateRecord(string Algorithm, IReadOnlyList<TrialRecord> Trials);

/// <summary>One trial: parameters, holdout metrics, training time and measured ONNX latency.</summary>
public sealed record TrialRecord
{
    public required IReadOnlyDictionary<string, string> Parameters { get; init; }

    public required IReadOnlyDictionary<string, double> Metrics { get; init; }

    public required double TrainingSeconds { get; init; }

    /// <summary>Single-row ONNX Runtime latency (median, microseconds), or null when not measured.</summary>
    public double? OnnxLatencyMicroseconds { get; init; }
}
