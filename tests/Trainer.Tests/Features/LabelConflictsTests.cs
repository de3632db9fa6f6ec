using Flywheel.Contracts.Training;

namespace Flywheel.Trainer.Tests.Features;

public sealed class LabelConflictsTests
{
    private static async Task<(TrainingResult? Result, string? Error)> RunAsync(string policy, double? maxRate, int conflicts = 30)
    {
        using var dir = new TempDirectory();
        var data = new SyntheticData { Task = "binaryClassification", Rows = 600, Conflicts = conflicts }.WriteCsv(dir.File("data.csv"));
        var spec = Specs.For("binaryClassification", data);
        spec = spec with { Training = spec.Training with { LabelConflicts = new LabelConflictSpec { Policy = policy, MaxRate = maxRate } } };
        try
        {
            return (await TrainerRunner.RunAsync(spec, dir.File("store"), Specs.Quiet), null);
        }
        catch (TrainingInputException ex)
        {
            return (null, ex.Message);
        }
    }

    [Fact]
    public async Task Majority_reports_planted_conflicts_and_relabels_the_minority()
    {
        var (result, _) = await RunAsync("majority", null);

        var record = result!.Manifest.TrainingData!.LabelConflicts!;
        Assert.Equal(30, record.Groups);
        Assert.Equal(60, record.Rows);
        Assert.Equal(60.0 / 630, record.Rate, 5);
        Assert.Equal(30, record.Relabelled);
        Assert.Equal(630, result.Manifest.TrainingData.RowsUsed);
        Assert.Equal(5, record.Examples.Count);
        Assert.Matches("rows data.csv:\\d+, data.csv:\\d+ \\(age=.*\\) labelled \"(no|yes)\"×1, \"(no|yes)\"×1", record.Examples[0]);
    }

    [Fact]
    public async Task Drop_removes_every_row_of_a_conflicting_group()
    {
        var (result, _) = await RunAsync("drop", null);

        Assert.Equal(60, result!.Manifest.TrainingData!.LabelConflicts!.Dropped);
        Assert.Equal(570, result.Manifest.TrainingData.RowsUsed);
    }

    [Fact]
    public async Task Above_max_rate_the_run_fails_with_the_rate_and_examples()
    {
        var (_, error) = await RunAsync("majority", 0.05);

        Assert.Contains("label conflicts: 60 of 630 rows (9.52%) in 30 groups of identical features disagree on 'label', above training.labelConflicts.maxRate 5.00%", error);
        Assert.Contains("examples: rows data.csv:", error);
    }

    [Fact]
    public async Task Fail_policy_fails_on_any_conflict_and_passes_clean_data()
    {
        var (_, error) = await RunAsync("fail", null);
        var (clean, _) = await RunAsync("fail", null, conflicts: 0);

        Assert.Contains("above training.labelConflicts.maxRate 0.00%", error);
        Assert.Equal(0, clean!.Manifest.TrainingData!.LabelConflicts!.Groups);
    }
}
