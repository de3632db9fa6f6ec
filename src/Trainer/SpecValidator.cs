using Flywheel.Contracts.Artifacts;
using Flywheel.Contracts.Training;
using Flywheel.Contracts.Versioning;
using Flywheel.Trainer.Export;
using Flywheel.Trainer.Features;
using Flywheel.Trainer.Models;
using Flywheel.Trainer.Search;

namespace Flywheel.Trainer;

/// <summary>A spec that passed validation, with its enumerations resolved.</summary>
internal sealed record ValidSpec(
    TrainingSpec Spec,
    ModelIdentity Model,
    ModelTask Task,
    string LabelColumn,
    IReadOnlyList<FeatureInfo> Features,
    IReadOnlyList<(CandidateSpec Spec, AlgorithmInfo Algorithm)> Candidates,
    string Metric,
    IReadOnlyList<DerivedColumn> Derived)
{
    /// <summary>What the model is trained on: the input features, then the derived ones.</summary>
    public IReadOnlyList<FeatureInfo> ModelFeatures { get; } =
        [.. Features, .. Derived.Select(d => new FeatureInfo(d.Name, FeatureType.Numeric, Derived: true))];
}

/// <summary>Checks a frozen spec field by field; each error names the field, what it got and the fix.</summary>
internal static class SpecValidator
{
    private static readonly Dictionary<string, ModelTask> Tasks = new(StringComparer.Ordinal)
    {
        ["binaryClassification"] = ModelTask.BinaryClassification,
        ["multiclassClassification"] = ModelTask.MulticlassClassification,
        ["regression"] = ModelTask.Regression,
    };

    public static ValidSpec Validate(TrainingSpec spec, ICandidateBackend backend)
    {
        var model = spec.Model ?? throw Error("model", "is missing; give namespace, name and version");
        var identity = new ModelIdentity(
            Required(model.Namespace, "model.namespace"),
            Required(model.Name, "model.name"),
            Required(model.Version, "model.version"));
        if (!ModelVersion.TryParse(identity.Version, out _))
        {
            throw Error("model.version", $"\"{identity.Version}\" is not a version; use <major>.<minor> such as 1.0");
        }

        var task = Tasks.GetValueOrDefault(Required(spec.Task, "task"), (ModelTask)(-1));
        if (!Enum.IsDefined(task))
        {
            throw Error("task", $"\"{spec.Task}\" is not a task; use one of {string.Join(", ", Tasks.Keys)}");
        }

        var data = spec.Data ?? throw Error("data", "is missing; give source, format, labelColumn and features");
        Required(data.Source, "data.source");
        OneOf(data.Format, "data.format", "csv", "parquet", "jsonl");
        var label = Required(data.LabelColumn, "data.labelColumn");
        if (data.Features.Count == 0)
        {
            throw Error("data.features", "is empty; list the input columns as {name, type: numeric|categorical}");
        }

        var features = new List<FeatureInfo>();
        for (var i = 0; i < data.Features.Count; i++)
        {
            var name = Required(data.Features[i].Name, $"data.features[{i}].name");
            var type = OneOf(data.Features[i].Type, $"data.features[{i}].type", "numeric", "categorical");
            if (name == label)
            {
                throw Error($"data.features[{i}]", $"'{name}' is the label column; a model cannot take its label as input: remove it from data.features");
            }

            if (features.Any(f => f.Name == name))
            {
                throw Error($"data.features[{i}].name", $"'{name}' is listed twice; list each column once");
            }

            features.Add(new FeatureInfo(name, type == "numeric" ? FeatureType.Numeric : FeatureType.Categorical));
        }

        if (data.IncludeFeedback && string.IsNullOrWhiteSpace(data.FeedbackLogs))
        {
            throw Error("data.feedbackLogs", "is required when includeFeedback is true; point it at the inference server's log directory");
        }

        var preprocessing = spec.Preprocessing;
        OneOf(preprocessing.Missing, "preprocessing.missing", Cleaner.Drop, Cleaner.ImputeMean, Cleaner.ImputeMode);
        OneOf(preprocessing.CategoricalEncoding, "preprocessing.categoricalEncoding", FeaturePipeline.OneHot, FeaturePipeline.LabelEncoding);
        OneOf(preprocessing.Scaling, "preprocessing.scaling", FeaturePipeline.Standard, FeaturePipeline.MinMax, FeaturePipeline.NoScaling);
        var derived = new List<DerivedColumn>();
        var numeric = features.Where(f => f.IsNumeric).Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < preprocessing.Derived.Count; i++)
        {
            var name = Required(preprocessing.Derived[i].Name, $"preprocessing.derived[{i}].name");
            if (name == label || features.Any(f => f.Name == name) || derived.Any(d => d.Name == name))
            {
                throw Error($"preprocessing.derived[{i}].name", $"'{name}' is already a column; give the derived feature a new name");
            }

            var text = Required(preprocessing.Derived[i].Expression, $"preprocessing.derived[{i}].expression");
            derived.Add(new DerivedColumn(name, text, DerivedExpression.Parse(text, $"preprocessing.derived[{i}].expression", numeric)));
        }

        var training = spec.Training;
        OneOf(training.Search, "training.search", TrialPlan.Grid, TrialPlan.Random);
        if (training.MaxTrials < 0)
        {
            throw Error("training.maxTrials", $"{training.MaxTrials} is negative; use 0 (no limit) or more");
        }

        if (training.Parallelism < 1)
        {
            throw Error("training.parallelism", $"{training.Parallelism} must be at least 1");
        }

        if (training.Validation.HoldoutFraction is not null && training.Validation.Folds is not null)
        {
            throw Error("training.validation", "sets both holdoutFraction and folds; choose one");
        }

        OneOf(training.LabelConflicts.Policy, "training.labelConflicts.policy", LabelConflicts.Majority, LabelConflicts.DropPolicy, LabelConflicts.Fail);
        if (training.LabelConflicts.MaxRate is < 0 or > 1)
        {
            throw Error("training.labelConflicts.maxRate", $"{training.LabelConflicts.MaxRate} must be between 0 and 1");
        }

        var algorithms = backend.Algorithms(task);
        var candidateSpecs = training.Candidates.Count > 0 ? training.Candidates : [new CandidateSpec { Algorithm = algorithms[0].Name }];
        var candidates = new List<(CandidateSpec, AlgorithmInfo)>();
        for (var i = 0; i < candidateSpecs.Count; i++)
        {
            var name = Required(candidateSpecs[i].Algorithm, $"training.candidates[{i}].algorithm");
            var algorithm = algorithms.FirstOrDefault(a => a.Name == name)
                ?? throw Error($"training.candidates[{i}].algorithm", $"\"{name}\" is not an algorithm for {spec.Task}; use one of {string.Join(", ", algorithms.Select(a => a.Name))}");
            candidates.Add((candidateSpecs[i], algorithm));
        }

        var allowed = task == ModelTask.Regression ? MetricCalculator.RegressionMetrics : MetricCalculator.ClassificationMetrics;
        var metric = spec.Promotion.Metric ?? Selector.DefaultMetric(task);
        if (!allowed.Contains(metric))
        {
            throw Error("promotion.metric", $"\"{metric}\" is not a {spec.Task} metric; use one of {string.Join(", ", allowed)}");
        }

        if (spec.Promotion.PreferSimplerWithin is < 0)
        {
            throw Error("promotion.preferSimplerWithin", $"{spec.Promotion.PreferSimplerWithin} is negative; use a tolerance such as 0.01");
        }

        return new ValidSpec(spec, identity, task, label, features, candidates, metric, derived);
    }

    private static string Required(string? value, string field) =>
        string.IsNullOrWhiteSpace(value) ? throw Error(field, "is missing; set it in the TrainingRun spec") : value;

    private static string OneOf(string? value, string field, params string[] allowed) =>
        value is not null && allowed.Contains(value, StringComparer.Ordinal)
            ? value
            : throw Error(field, $"\"{value}\" is not allowed; use one of {string.Join(", ", allowed)}");

    private static TrainingInputException Error(string field, string problem) => new($"spec field {field} {problem}");
}
