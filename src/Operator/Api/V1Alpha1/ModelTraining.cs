using System.Text.Json;
using System.Text.Json.Serialization;
using Flywheel.Operator.Api.Schema;
using k8s.Models;

namespace Flywheel.Operator.Api.V1Alpha1;

/// <summary>Which algorithms to try, how to search their hyperparameters, and where training runs.</summary>
public sealed class TrainingSpec
{
    /// <summary>Candidate algorithms; every candidate's hyperparameter space is searched and the best trial wins.</summary>
    [Required]
    [ListMap("algorithm")]
    [Items(1, 20)]
    public List<CandidateSpec> Candidates { get; set; } = [];

    /// <summary>grid tries every combination (up to maxTrials); random samples maxTrials combinations.</summary>
    [Default(SearchStrategy.Grid)]
    public SearchStrategy? Search { get; set; }

    /// <summary>Upper bound on trials across all candidates.</summary>
    [Default(20)]
    [Minimum(1)]
    [Maximum(1000)]
    public int? MaxTrials { get; set; }

    /// <summary>Trials that run at the same time inside the training Job.</summary>
    [Default(1)]
    [Minimum(1)]
    [Maximum(64)]
    public int? Parallelism { get; set; }

    /// <summary>How trials are scored: a holdout fraction or k-fold cross-validation. Absent means a 20% holdout.</summary>
    [DefaultJson("{\"holdoutFraction\":0.2}")]
    public ValidationSpec? Validation { get; set; }

    /// <summary>Random seed for splits, sampling and trainers, so that a run can be reproduced.</summary>
    [Default(42)]
    [Minimum(0)]
    public long? Seed { get; set; }

    /// <summary>CPU, memory and GPUs for the training Job's pod.</summary>
    public ComputeResources? Resources { get; set; }

    /// <summary>Node labels the training pod must match, for example a GPU node pool.</summary>
    public Dictionary<string, string>? NodeSelector { get; set; }

    /// <summary>Taints the training pod tolerates, for example those on GPU nodes.</summary>
    public List<V1Toleration>? Tolerations { get; set; }

    /// <summary>Trainer container image; empty uses the image the operator was installed with.</summary>
    [Length(0, 1024)]
    public string? Image { get; set; }

    /// <summary>The training Job is stopped and the run fails after this long, for example 30m or 2h.</summary>
    [Default("2h")]
    [Pattern(ApiPatterns.Duration)]
    public string? Timeout { get; set; }

    /// <summary>What to do with rows whose features are identical but whose labels differ.</summary>
    public LabelConflictSpec? LabelConflicts { get; set; }
}

/// <summary>An algorithm and the hyperparameter values to try with it.</summary>
public sealed class CandidateSpec
{
    /// <summary>
    /// The trainer: fastTree, lightGbm, sdca (all tasks), lbfgsLogisticRegression (classification),
    /// lbfgsPoisson or onlineGradientDescent (regression).
    /// </summary>
    [Required]
    public Algorithm Algorithm { get; set; }

    /// <summary>
    /// Hyperparameter name → the values to try: either a list (<c>values: [20, 50]</c>) or a range
    /// (<c>min</c>, <c>max</c>, <c>scale</c>). Names are the trainer's options, for example
    /// numberOfLeaves, numberOfTrees, learningRate, l2Regularization.
    /// </summary>
    public Dictionary<string, HyperparameterSpace>? Hyperparameters { get; set; }
}

/// <summary>The values to try for one hyperparameter: a list, or a numeric range.</summary>
[XValidation("has(self.values) != (has(self.min) || has(self.max))", "give either values or a range (min and max), not both")]
[XValidation("has(self.values) || (has(self.min) && has(self.max))", "a range needs both min and max")]
[XValidation("!has(self.min) || !has(self.max) || self.min <= self.max", "min must not be greater than max", FieldPath = ".min")]
[XValidation("!has(self.scale) || self.scale != 'log' || !has(self.min) || self.min > 0.0", "a log-scale range needs min > 0", FieldPath = ".min")]
public sealed class HyperparameterSpace
{
    /// <summary>The values to try: numbers, strings or booleans.</summary>
    [Items(1, 100)]
    [PreserveUnknownFields]
    public List<JsonElement>? Values { get; set; }

    /// <summary>Lower end of a numeric range.</summary>
    public double? Min { get; set; }

    /// <summary>Upper end of a numeric range.</summary>
    public double? Max { get; set; }

    /// <summary>
    /// How a range is sampled: linear (when unset), or log (even spread of orders of magnitude, for
    /// learning rates). No schema default: a default inside a list item would make every
    /// <c>kubectl apply</c> of an unchanged Model report it as configured.
    /// </summary>
    public RangeScale? Scale { get; set; }
}

/// <summary>How trials are scored.</summary>
[XValidation("!(has(self.holdoutFraction) && has(self.folds))", "set holdoutFraction or folds, not both")]
public sealed class ValidationSpec
{
    /// <summary>Fraction of rows held out for scoring, strictly between 0 and 1 (for example 0.2).</summary>
    [Minimum(0, Exclusive = true)]
    [Maximum(1, Exclusive = true)]
    public double? HoldoutFraction { get; set; }

    /// <summary>Number of cross-validation folds (2 to 20) instead of a holdout.</summary>
    [Minimum(2)]
    [Maximum(20)]
    public int? Folds { get; set; }
}

/// <summary>Handling of rows whose features match but whose labels differ.</summary>
public sealed class LabelConflictSpec
{
    /// <summary>majority keeps the most frequent label, drop removes the rows, fail stops the run.</summary>
    [Default(LabelConflictPolicy.Majority)]
    public LabelConflictPolicy? Policy { get; set; }

    /// <summary>The run fails when more than this fraction of rows conflict, whatever the policy.</summary>
    [Default(0.05)]
    [Minimum(0)]
    [Maximum(1)]
    public double? MaxRate { get; set; }
}

/// <summary>Training algorithms.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Algorithm>))]
public enum Algorithm
{
    [JsonStringEnumMemberName("fastTree")]
    FastTree,

    [JsonStringEnumMemberName("lightGbm")]
    LightGbm,

    [JsonStringEnumMemberName("sdca")]
    Sdca,

    [JsonStringEnumMemberName("lbfgsLogisticRegression")]
    LbfgsLogisticRegression,

    [JsonStringEnumMemberName("lbfgsPoisson")]
    LbfgsPoisson,

    [JsonStringEnumMemberName("onlineGradientDescent")]
    OnlineGradientDescent,
}

/// <summary>Hyperparameter search strategy.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SearchStrategy>))]
public enum SearchStrategy
{
    [JsonStringEnumMemberName("grid")]
    Grid,

    [JsonStringEnumMemberName("random")]
    Random,
}

/// <summary>Sampling scale of a numeric range.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RangeScale>))]
public enum RangeScale
{
    [JsonStringEnumMemberName("linear")]
    Linear,

    [JsonStringEnumMemberName("log")]
    Log,
}

/// <summary>Label-conflict policy.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<LabelConflictPolicy>))]
public enum LabelConflictPolicy
{
    [JsonStringEnumMemberName("majority")]
    Majority,

    [JsonStringEnumMemberName("drop")]
    Drop,

    [JsonStringEnumMemberName("fail")]
    Fail,
}
