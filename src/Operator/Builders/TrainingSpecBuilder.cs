using Flywheel.Operator.Api.V1Alpha1;
using Contract = Flywheel.Contracts.Training;

namespace Flywheel.Operator.Builders;

/// <summary>Maps a TrainingRun's frozen copy of its Model's spec to the JSON the trainer reads.</summary>
public static class TrainingSpecBuilder
{
    public static Contract.TrainingSpec Build(TrainingRun run, string version, PromotionSpec? promotion)
    {
        ArgumentNullException.ThrowIfNull(run);
        var spec = run.Spec;
        var task = spec.Task ?? ModelTask.BinaryClassification;
        var training = spec.Training ?? new TrainingSpec();
        var preprocessing = spec.Preprocessing;
        var data = spec.Data ?? new DataSpec();
        return new Contract.TrainingSpec
        {
            TrainingRun = run.Metadata.Name,
            Model = new Contract.ModelReference
            {
                Namespace = run.Metadata.NamespaceProperty,
                Name = spec.ModelRef.Name,
                Version = version,
            },
            Task = ApiText.Of(task),
            Data = new Contract.DataSpec
            {
                Source = data.Source,
                Format = ApiText.Of(data.Format ?? DataFormat.Csv),
                LabelColumn = data.LabelColumn,
                Features = [.. (data.Features ?? []).Select(f => new Contract.FeatureSpec { Name = f.Name, Type = ApiText.Of(f.Type) })],
                IncludeFeedback = data.IncludeFeedback ?? false,
            },
            Preprocessing = new Contract.PreprocessingSpec
            {
                Missing = ApiText.Of(preprocessing?.Missing ?? MissingValues.ImputeMean),
                CategoricalEncoding = ApiText.Of(preprocessing?.CategoricalEncoding ?? CategoricalEncoding.OneHot),
                Scaling = ApiText.Of(preprocessing?.Scaling ?? Scaling.MinMax),
                Derived = [.. (preprocessing?.Derived ?? []).Select(d => new Contract.DerivedFeatureSpec { Name = d.Name, Expression = d.Expression })],
            },
            Training = new Contract.TrainingOptions
            {
                Candidates = [.. training.Candidates.Select(c => new Contract.CandidateSpec
                {
                    Algorithm = ApiText.Of(c.Algorithm),
                    Hyperparameters = (c.Hyperparameters ?? []).ToDictionary(
                        p => p.Key,
                        p => new Contract.HyperparameterRange
                        {
                            Values = p.Value.Values,
                            Min = p.Value.Min,
                            Max = p.Value.Max,
                            Scale = ApiText.Of(p.Value.Scale ?? RangeScale.Linear),
                        },
                        StringComparer.Ordinal),
                })],
                Search = ApiText.Of(training.Search ?? SearchStrategy.Grid),
                MaxTrials = training.MaxTrials ?? 20,
                Parallelism = training.Parallelism ?? 1,
                Validation = new Contract.ValidationSpec
                {
                    HoldoutFraction = training.Validation?.Folds is null ? training.Validation?.HoldoutFraction ?? 0.2 : null,
                    Folds = training.Validation?.Folds,
                },
                Seed = (int)Math.Clamp(training.Seed ?? 42, 0, int.MaxValue),
                LabelConflicts = new Contract.LabelConflictSpec
                {
                    Policy = ApiText.Of(training.LabelConflicts?.Policy ?? LabelConflictPolicy.Majority),
                    MaxRate = training.LabelConflicts?.MaxRate,
                },
            },
            Promotion = new Contract.PromotionSpec
            {
                Metric = PromotionMetrics.TrainerName(PromotionMetrics.Effective(task, promotion?.Metric)),
                PreferSimplerWithin = promotion?.PreferSimplerWithin,
            },
        };
    }
}
