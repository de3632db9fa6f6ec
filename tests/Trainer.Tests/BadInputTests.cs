using Flywheel.Contracts.Training;

namespace Flywheel.Trainer.Tests;

/// <summary>Each kind of bad input fails with exit 2 and a message that names the column or row and the fix.</summary>
public sealed class BadInputTests
{
    private static async Task<string> FailAsync(string csv, Func<TrainingSpec, TrainingSpec>? change = null, string task = "binaryClassification")
    {
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.File("data.csv"), csv);
        var spec = Specs.For(task, dir.File("data.csv"));
        spec = change?.Invoke(spec) ?? spec;
        var ex = await Assert.ThrowsAsync<TrainingInputException>(() => TrainerRunner.RunAsync(spec, dir.File("store"), Specs.Quiet));
        Assert.False(Directory.Exists(dir.File("store/default/churn/1.0")));
        return ex.Message;
    }

    private static string Rows(int count, Func<int, string> row) =>
        "age,income,city,plan,label\n" + string.Concat(Enumerable.Range(0, count).Select(i => row(i) + "\n"));

    [Fact]
    public async Task Missing_label_column()
    {
        var message = await FailAsync("age,income,city,plan,outcome\n30,50,oslo,pro,yes\n");
        Assert.Contains("label column 'label' is not a column of data.csv", message);
        Assert.Contains("fix data.labelColumn", message);
    }

    [Fact]
    public async Task Text_in_a_numeric_column()
    {
        var message = await FailAsync(Rows(10, i => i == 6 ? "forty,50,oslo,pro,yes" : $"{30 + i},50,oslo,pro,{(i % 2 == 0 ? "yes" : "no")}"));
        Assert.Contains("column 'age', row data.csv:8: expected a number, got \"forty\"", message);
        Assert.Contains("declare 'age' as type categorical", message);
    }

    [Fact]
    public async Task Empty_file()
    {
        var message = await FailAsync("");
        Assert.Contains("data.csv is empty", message);
    }

    [Fact]
    public async Task Header_without_rows()
    {
        var message = await FailAsync("age,income,city,plan,label\n");
        Assert.Contains("data.csv has a header but no data rows", message);
    }

    [Fact]
    public async Task All_null_column()
    {
        var message = await FailAsync(Rows(20, i => $",{i},oslo,pro,{(i % 2 == 0 ? "yes" : "no")}"));
        Assert.Contains("column 'age' has no values in any of its 20 rows", message);
        Assert.Contains("remove it from data.features", message);
    }

    [Fact]
    public async Task Single_class_label()
    {
        var message = await FailAsync(Rows(20, i => $"{i},{i},oslo,pro,yes"));
        Assert.Contains("label column 'label' has a single class \"yes\"", message);
    }

    [Fact]
    public async Task A_class_seen_once_when_folds_need_more()
    {
        var message = await FailAsync(
            Rows(40, i => $"{i},{i * 2},oslo,pro,{(i == 7 ? "maybe" : i % 2 == 0 ? "yes" : "no")}"),
            s => s with { Training = s.Training with { Validation = new ValidationSpec { Folds = 3 } } },
            "multiclassClassification");
        Assert.Contains("class \"maybe\" appears in 1 row(s); 3-fold validation needs at least 3 rows of each class", message);
        Assert.Contains("lower training.validation.folds", message);
    }

    [Fact]
    public async Task Feature_list_naming_absent_columns()
    {
        var message = await FailAsync(
            Rows(10, i => $"{i},{i},oslo,pro,yes"),
            s => s with { Data = s.Data! with { Features = [.. s.Data.Features, new FeatureSpec { Name = "tenure", Type = "numeric" }] } });
        Assert.Contains("feature 'tenure' is not a column of data.csv (columns: age, income, city, plan, label)", message);
        Assert.Contains("fix data.features", message);
    }

    [Fact]
    public async Task Regression_label_that_is_not_a_number()
    {
        var message = await FailAsync(Rows(10, i => $"{i},{i},oslo,pro,{(i == 3 ? "lots" : i.ToString(System.Globalization.CultureInfo.InvariantCulture))}"), task: "regression");
        Assert.Contains("column 'label', row data.csv:5: a regression label must be a number, got \"lots\"", message);
    }

    [Fact]
    public async Task Negative_labels_for_poisson_regression()
    {
        var message = await FailAsync(
            Rows(10, i => $"{i},{i},oslo,pro,{i - 3}"),
            s => s with { Training = s.Training with { Candidates = [Specs.Candidate("lbfgsPoisson")] } },
            "regression");
        Assert.Contains("column 'label', row data.csv:2: lbfgsPoisson needs non-negative labels, got -3", message);
    }

    [Theory]
    [InlineData("task", "spec field task \"ranking\" is not a task")]
    [InlineData("algorithm", "spec field training.candidates[0].algorithm \"xgboost\" is not an algorithm for binaryClassification; use one of lbfgsLogisticRegression, sdca, fastTree, lightGbm")]
    [InlineData("hyperparameter", "training.candidates[0].hyperparameters.depth: lbfgsLogisticRegression has no hyperparameter 'depth'")]
    [InlineData("metric", "spec field promotion.metric \"rmse\" is not a binaryClassification metric")]
    [InlineData("featureType", "spec field data.features[0].type \"number\" is not allowed; use one of numeric, categorical")]
    [InlineData("missing", "spec field preprocessing.missing \"zero\" is not allowed")]
    public async Task Spec_errors_name_the_field(string what, string expected)
    {
        var message = await FailAsync(Rows(20, i => $"{i},{i},oslo,pro,{(i % 2 == 0 ? "yes" : "no")}"), s => what switch
        {
            "task" => s with { Task = "ranking" },
            "algorithm" => s with { Training = s.Training with { Candidates = [new CandidateSpec { Algorithm = "xgboost" }] } },
            "hyperparameter" => s with { Training = s.Training with { Candidates = [Specs.Candidate("lbfgsLogisticRegression", ("depth", [3]))] } },
            "metric" => s with { Promotion = new PromotionSpec { Metric = "rmse" } },
            "featureType" => s with { Data = s.Data! with { Features = [new FeatureSpec { Name = "age", Type = "number" }] } },
            _ => s with { Preprocessing = s.Preprocessing with { Missing = "zero" } },
        });
        Assert.Contains(expected, message);
    }
}
