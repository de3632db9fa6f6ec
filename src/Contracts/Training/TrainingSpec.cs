using System.Text.Json;

namespace Flywheel.Contracts.Training;

/// <summary>
/// The frozen spec a TrainingRun's Job hands to the trainer (camelCase JSON). Field names mirror the
/// TrainingRun resource; enumerations are strings so that a bad value gets a message naming the field.
/// </summary>
public sealed record TrainingSpec
{
    /// <summary>Name of the TrainingRun this spec was frozen from.</summary>
    public string? TrainingRun { get; init; }

    public ModelReference? Model { get; init; }

    /// <summary><c>binaryClassification</c>, <c>multiclassClassification</c> or <c>regression</c>.</summary>
    public string? Task { get; init; }

    public DataSpec? Data { get; init; }

    public PreprocessingSpec Preprocessing { get; init; } = new();

    public TrainingOptions Training { get; init; } = new();

    public PromotionSpec Promotion { get; init; } = new();
}

/// <summary>Which model and version the run produces.</summary>
public sealed record ModelReference
{
    public string? Namespace { get; init; }

    public string? Name { get; init; }

    public string? Version { get; init; }
}

public sealed record DataSpec
{
    /// <summary><c>file://</c>, <c>pvc://claim/path</c>, <c>s3://</c> or <c>https://</c>; a directory means every file of the format in it.</summary>
    public string? Source { get; init; }

    /// <summary><c>csv</c>, <c>parquet</c> or <c>jsonl</c>.</summary>
    public string Format { get; init; } = "csv";

    public string? LabelColumn { get; init; }

    public IReadOnlyList<FeatureSpec> Features { get; init; } = [];

    /// <summary>Also train on the inference server's logged predictions joined with their feedback.</summary>
    public bool IncludeFeedback { get; init; }

    /// <summary>Directory (URI or path) of <c>predictions-*.jsonl</c> and <c>feedback-*.jsonl</c> files.</summary>
    public string? FeedbackLogs { get; init; }
}

public sealed record FeatureSpec
{
    public string? Name { get; init; }

    /// <summary><c>numeric</c> or <c>categorical</c>.</summary>
    public string? Type { get; init; }
}

public sealed record PreprocessingSpec
{
    /// <summary><c>drop</c>, <c>imputeMean</c> or <c>imputeMode</c>.</summary>
    public string Missing { get; init; } = "drop";

    /// <summary><c>oneHot</c> or <c>label</c>.</summary>
    public string CategoricalEncoding { get; init; } = "oneHot";

    /// <summary><c>standard</c>, <c>minMax</c> or <c>none</c>.</summary>
    public string Scaling { get; init; } = "none";

    public IReadOnlyList<DerivedFeatureSpec> Derived { get; init; } = [];
}

/// <summary>A numeric feature computed from others, e.g. <c>income / (age + 1)</c>.</summary>
public sealed record DerivedFeatureSpec
{
    public string? Name { get; init; }

    public string? Expression { get; init; }
}

public sealed record TrainingOptions
{
    public IReadOnlyList<CandidateSpec> Candidates { get; init; } = [];

    /// <summary><c>grid</c> or <c>random</c>.</summary>
    public string Search { get; init; } = "grid";

    /// <summary>Most trials over all candidates; 0 means every grid point (grid) or 10 (random).</summary>
    public int MaxTrials { get; init; }

    /// <summary>Trials that run at once.</summary>
    public int Parallelism { get; init; } = 1;

    public ValidationSpec Validation { get; init; } = new();

    public int Seed { get; init; } = 42;

    public LabelConflictSpec LabelConflicts { get; init; } = new();
}

public sealed record CandidateSpec
{
    /// <summary>See docs/trainer-contract.md for the algorithm names per task.</summary>
    public string? Algorithm { get; init; }

    public IReadOnlyDictionary<string, HyperparameterRange> Hyperparameters { get; init; } = new Dictionary<string, HyperparameterRange>();
}

/// <summary>Either a list of <see cref="Values"/> or a range <see cref="Min"/>..<see cref="Max"/> on a linear or log scale.</summary>
public sealed record HyperparameterRange
{
    public IReadOnlyList<JsonElement>? Values { get; init; }

    public double? Min { get; init; }

    public double? Max { get; init; }

    /// <summary><c>linear</c> or <c>log</c>.</summary>
    public string Scale { get; init; } = "linear";
}

/// <summary>Holdout (<see cref="HoldoutFraction"/>) or k-fold (<see cref="Folds"/>) validation.</summary>
public sealed record ValidationSpec
{
    public double? HoldoutFraction { get; init; }

    public int? Folds { get; init; }
}

public sealed record LabelConflictSpec
{
    /// <summary><c>majority</c>, <c>drop</c> or <c>fail</c>.</summary>
    public string Policy { get; init; } = "majority";

    /// <summary>Largest tolerated share of rows in conflicting groups; above it the run fails. Default: 0 for <c>fail</c>, 1 otherwise.</summary>
    public double? MaxRate { get; init; }
}

public sealed record PromotionSpec
{
    /// <summary>The objective: accuracy, macroF1, auc (higher is better) or rmse, mae (lower), r2 (higher).</summary>
    public string? Metric { get; init; }

    /// <summary>Take the simplest candidate whose metric is within this absolute tolerance of the best.</summary>
    public double? PreferSimplerWithin { get; init; }
}
