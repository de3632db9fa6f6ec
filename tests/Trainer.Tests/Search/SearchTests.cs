using Flywheel.Contracts.Training;

namespace Flywheel.Trainer.Tests.Search;

public sealed class SearchTests
{
    [Fact]
    public async Task Grid_search_runs_every_combination_in_parallel_and_records_each_trial()
    {
        using var dir = new TempDirectory();
        var data = new SyntheticData { Task = "binaryClassification", Rows = 800 }.WriteCsv(dir.File("data.csv"));
        var spec = Specs.For("binaryClassification", data, "csv",
            Specs.Candidate("fastTree", ("numberOfTrees", [5, 20]), ("numberOfLeaves", [4, 8])),
            Specs.Candidate("sdca", ("l2Regularization", [0.01, 0.1])));
        spec = spec with { Training = spec.Training with { Parallelism = 2 } };
        var log = new StringWriter();

        var result = await TrainerRunner.RunAsync(spec, dir.File("store"), Specs.Quiet with { Log = log });

        var fastTree = result.Manifest.Candidates.Single(c => c.Algorithm == "fastTree");
        Assert.Equal(
            ["4/20", "4/5", "8/20", "8/5"],
            fastTree.Trials.Select(t => t.Parameters["numberOfLeaves"] + "/" + t.Parameters["numberOfTrees"]).Order(StringComparer.Ordinal));
        Assert.Equal(2, result.Manifest.Candidates.Single(c => c.Algorithm == "sdca").Trials.Count);
        Assert.All(result.Manifest.Candidates.SelectMany(c => c.Trials), t =>
        {
            Assert.Equal(["accuracy", "auc", "macroF1"], t.Metrics.Keys.Order(StringComparer.Ordinal));
            Assert.True(t.TrainingSeconds > 0);
        });
        Assert.Equal(6, log.ToString().Split('\n').Count(l => l.StartsWith("[trainer] trial ", StringComparison.Ordinal)));
        var best = result.Manifest.Candidates.SelectMany(c => c.Trials).Max(t => t.Metrics["auc"]);
        Assert.Equal(best, result.Manifest.Selection.Value);
    }

    [Fact]
    public async Task Max_trials_caps_a_random_search_and_the_seed_fixes_its_draws()
    {
        using var dir = new TempDirectory();
        var data = new SyntheticData { Task = "regression", Rows = 400 }.WriteCsv(dir.File("data.csv"));
        var spec = Specs.For("regression", data, "csv", new CandidateSpec
        {
            Algorithm = "lightGbm",
            Hyperparameters = new Dictionary<string, HyperparameterRange>
            {
                ["learningRate"] = new() { Min = 0.01, Max = 0.5, Scale = "log" },
                ["numberOfLeaves"] = new() { Min = 4, Max = 16 },
            },
        });
        spec = spec with { Training = spec.Training with { Search = "random", MaxTrials = 3 } };

        var first = await TrainerRunner.RunAsync(spec, dir.File("a"), Specs.Quiet);
        var second = await TrainerRunner.RunAsync(spec, dir.File("b"), Specs.Quiet);

        var trials = first.Manifest.Candidates.Single().Trials;
        Assert.Equal(3, trials.Count);
        Assert.All(trials, t => Assert.InRange(double.Parse(t.Parameters["learningRate"], System.Globalization.CultureInfo.InvariantCulture), 0.01, 0.5));
        Assert.All(trials, t => Assert.Matches("^([4-9]|1[0-6])$", t.Parameters["numberOfLeaves"]));
        Assert.Equal(trials.Select(t => t.Parameters), second.Manifest.Candidates.Single().Trials.Select(t => t.Parameters));
        Assert.Equal("rmse", first.Manifest.Selection.Metric);
        Assert.False(first.Manifest.Selection.HigherIsBetter);
        Assert.Equal(trials.Min(t => t.Metrics["rmse"]), first.Manifest.Selection.Value);
    }

    [Fact]
    public async Task Prefer_simpler_within_picks_the_linear_model_when_trees_are_barely_better()
    {
        using var dir = new TempDirectory();
        var data = new SyntheticData { Task = "binaryClassification", Rows = 800 }.WriteCsv(dir.File("data.csv"));
        var spec = Specs.For("binaryClassification", data, "csv",
            Specs.Candidate("lightGbm", ("numberOfIterations", [50])),
            Specs.Candidate("lbfgsLogisticRegression"));
        var plain = await TrainerRunner.RunAsync(spec with { Promotion = new PromotionSpec { Metric = "accuracy" } }, dir.File("a"), Specs.Quiet);
        var accuracies = plain.Manifest.Candidates.ToDictionary(c => c.Algorithm, c => c.Trials[0].Metrics["accuracy"]);
        var gap = Math.Abs(accuracies["lightGbm"] - accuracies["lbfgsLogisticRegression"]);

        var simpler = await TrainerRunner.RunAsync(spec with { Promotion = new PromotionSpec { Metric = "accuracy", PreferSimplerWithin = gap + 0.05 } }, dir.File("b"), Specs.Quiet);

        Assert.Equal("lbfgsLogisticRegression", simpler.Manifest.Selection.Algorithm);
        if (accuracies["lightGbm"] > accuracies["lbfgsLogisticRegression"])
        {
            Assert.Equal("lightGbm", plain.Manifest.Selection.Algorithm);
            Assert.Contains("preferring the simpler model", simpler.Manifest.Selection.Reason);
        }
    }

    [Fact]
    public async Task K_fold_validation_averages_folds_and_refits_on_all_rows()
    {
        using var dir = new TempDirectory();
        var data = new SyntheticData { Task = "multiclassClassification", Rows = 600 }.WriteCsv(dir.File("data.csv"));
        var spec = Specs.For("multiclassClassification", data, "csv", Specs.Candidate("sdca"));
        spec = spec with { Training = spec.Training with { Validation = new ValidationSpec { Folds = 3 } } };
        var log = new StringWriter();

        var result = await TrainerRunner.RunAsync(spec, dir.File("store"), Specs.Quiet with { Log = log });

        Assert.Equal("3-fold", result.Manifest.TrainingData!.Validation);
        Assert.Contains("[trainer] refit: sdca on 600 rows", log.ToString());
        Assert.Equal(600, result.Manifest.Baseline.Samples);
        Assert.InRange(result.Manifest.Metrics["macroF1"], 0.5, 1);
    }
}
