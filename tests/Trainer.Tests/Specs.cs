using Flywheel.Contracts.Training;

namespace Flywheel.Trainer.Tests;

/// <summary>Small specs over <see cref="SyntheticData"/>: few rows, few trees, so the tests stay fast.</summary>
internal static class Specs
{
    public static TrainingSpec For(string task, string source, string format = "csv", params CandidateSpec[] candidates) => new()
    {
        TrainingRun = "churn-run-1",
        Model = new ModelReference { Namespace = "default", Name = "churn", Version = "1.0" },
        Task = task,
        Data = new DataSpec
        {
            Source = source,
            Format = format,
            LabelColumn = "label",
            Features =
            [
                new FeatureSpec { Name = "age", Type = "numeric" },
                new FeatureSpec { Name = "income", Type = "numeric" },
                new FeatureSpec { Name = "city", Type = "categorical" },
                new FeatureSpec { Name = "plan", Type = "categorical" },
            ],
        },
        Preprocessing = new PreprocessingSpec { Missing = "imputeMean", CategoricalEncoding = "oneHot", Scaling = "standard" },
        Training = new TrainingOptions
        {
            Candidates = candidates.Length > 0 ? candidates : [Candidate(task == "regression" ? "sdca" : "lbfgsLogisticRegression")],
            Seed = 11,
            Validation = new ValidationSpec { HoldoutFraction = 0.25 },
        },
    };

    public static CandidateSpec Candidate(string algorithm, params (string Name, double[] Values)[] grid) => new()
    {
        Algorithm = algorithm,
        Hyperparameters = grid.ToDictionary(
            g => g.Name,
            g => new HyperparameterRange { Values = [.. g.Values.Select(v => System.Text.Json.JsonSerializer.SerializeToElement(v))] }),
    };

    public static TrainerOptions Quiet => new() { MeasureLatency = false };
}
