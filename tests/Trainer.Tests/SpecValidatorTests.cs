using Flywheel.Contracts.Artifacts;
using Flywheel.Contracts.Training;
using Flywheel.Trainer.Models;

namespace Flywheel.Trainer.Tests;

public sealed class SpecValidatorTests
{
    private static string RepositoryFile(string relative)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Operator.sln")))
        {
            directory = directory.Parent;
        }

        return Path.Combine(directory?.FullName ?? throw new DirectoryNotFoundException("Operator.sln not found above the test directory"), relative);
    }

    [Fact]
    public void The_spec_example_in_the_contract_document_is_valid()
    {
        var document = File.ReadAllText(RepositoryFile("docs/trainer-contract.md"));
        var start = document.IndexOf("```json", StringComparison.Ordinal) + "```json".Length;
        var json = document[start..document.IndexOf("```", start, StringComparison.Ordinal)];

        var spec = TrainingSpecJson.Deserialize(json, "docs/trainer-contract.md");
        var valid = SpecValidator.Validate(spec, new MlNetBackend());

        Assert.Equal(ModelTask.BinaryClassification, valid.Task);
        Assert.Equal(new ModelIdentity("default", "churn", "1.0"), valid.Model);
        Assert.Equal(["lbfgsLogisticRegression", "fastTree"], valid.Candidates.Select(c => c.Algorithm.Name));
        Assert.Equal("log", spec.Training.Candidates[1].Hyperparameters["learningRate"].Scale);
        Assert.Equal(0.05, spec.Training.LabelConflicts.MaxRate);
        Assert.Equal("auc", valid.Metric);
        Assert.True(spec.Data!.IncludeFeedback);
    }

    [Fact]
    public void Both_holdout_and_folds_is_an_error()
    {
        var spec = Specs.For("binaryClassification", "data.csv");
        spec = spec with { Training = spec.Training with { Validation = new ValidationSpec { HoldoutFraction = 0.2, Folds = 5 } } };

        var ex = Assert.Throws<TrainingInputException>(() => SpecValidator.Validate(spec, new MlNetBackend()));

        Assert.Equal("spec field training.validation sets both holdoutFraction and folds; choose one", ex.Message);
    }
}
