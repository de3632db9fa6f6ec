using System.Text.Json;
using Flywheel.Contracts.Artifacts;
using Flywheel.Contracts.Training;
using Flywheel.Testing;

namespace Flywheel.Trainer.Tests;

public sealed class TrainerCliTests
{
    [Fact]
    public async Task Help_describes_the_program_and_its_commands()
    {
        var result = await CliHarness.RunAsync(TrainerCli.Create(), "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("flywheel-trainer — ", result.Stdout);
        Assert.Contains("flywheel-trainer train --spec <file> --output <dir>", result.Stdout);
        Assert.Contains("--termination-log <path>", result.Stdout);
        Assert.Equal(TrainerCli.Usage, result.Stdout);
    }

    [Fact]
    public async Task Version_prints_the_product_version()
    {
        var result = await CliHarness.RunAsync(TrainerCli.Create(), "version");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"^flywheel-trainer \d+\.\d+\.\d+", result.Stdout);
    }

    [Fact]
    public async Task Unknown_command_is_a_usage_error()
    {
        var result = await CliHarness.RunAsync(TrainerCli.Create(), "no-such-command");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("unknown command \"no-such-command\"", result.Stderr);
    }

    [Fact]
    public async Task Train_without_a_spec_names_the_option_and_the_variable()
    {
        var result = await CliHarness.RunAsync(TrainerCli.Create(), "train", "--output", "/tmp/x");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--spec is required (or set FLYWHEEL_TRAINING_SPEC)", result.Stderr);
    }

    [Fact]
    public async Task Train_writes_the_version_and_a_small_summary_to_the_termination_log()
    {
        using var dir = new TempDirectory();
        var data = new SyntheticData { Task = "multiclassClassification", Rows = 900 }.WriteCsv(dir.File("data.csv"));
        var spec = Specs.For("multiclassClassification", "file://" + data);
        await File.WriteAllTextAsync(dir.File("spec.json"), TrainingSpecJson.Serialize(spec));

        var result = await CliHarness.RunAsync(TrainerCli.Create(), "train", "--spec", dir.File("spec.json"), "--output", dir.File("store"), "--termination-log", dir.File("termination-log"), "--no-latency");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("[trainer] write:", result.Stdout);
        var bytes = await File.ReadAllBytesAsync(dir.File("termination-log"));
        Assert.InRange(bytes.Length, 50, TrainingSummary.MaxBytes);
        var summary = JsonSerializer.Deserialize<TrainingSummary>(bytes, ManifestJson.Options)!;
        Assert.True(summary.Succeeded);
        Assert.Equal("default/churn/1.0", summary.VersionDirectory);
        Assert.Equal(64, summary.Sha256!.Length);
        Assert.InRange(summary.Metrics["macroF1"], 0.6, 1);
        var manifest = await ManifestJson.ReadAsync(Path.Combine(dir.Path, "store", "default", "churn", "1.0"));
        Assert.Equal(["high", "low", "mid"], manifest.Label.Classes);
        Assert.Equal(summary.Sha256, manifest.Onnx.Sha256);
    }

    [Fact]
    public async Task Bad_input_exits_2_and_records_the_reason_in_the_termination_log()
    {
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.File("empty.csv"), "");
        await File.WriteAllTextAsync(dir.File("spec.json"), TrainingSpecJson.Serialize(Specs.For("binaryClassification", dir.File("empty.csv"))));

        var result = await CliHarness.RunAsync(TrainerCli.Create(), "train", "--spec", dir.File("spec.json"), "--output", dir.File("store"), "--termination-log", dir.File("termination-log"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("empty.csv is empty", result.Stderr);
        var summary = JsonSerializer.Deserialize<TrainingSummary>(await File.ReadAllTextAsync(dir.File("termination-log")), ManifestJson.Options)!;
        Assert.False(summary.Succeeded);
        Assert.Contains("empty.csv is empty", summary.Message);
        Assert.False(Directory.Exists(dir.File("store")));
    }

    [Fact]
    public async Task A_spec_that_is_not_json_exits_2_with_the_path()
    {
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.File("spec.json"), "{ \"task\": ");

        var result = await CliHarness.RunAsync(TrainerCli.Create(), "train", "--spec", dir.File("spec.json"), "--output", dir.File("store"), "--termination-log", dir.File("t"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("not a valid training spec", result.Stderr);
    }

    [Fact]
    public async Task A_store_that_cannot_be_written_is_an_internal_error_with_exit_1()
    {
        using var dir = new TempDirectory();
        var data = new SyntheticData { Task = "binaryClassification", Rows = 200 }.WriteCsv(dir.File("data.csv"));
        await File.WriteAllTextAsync(dir.File("spec.json"), TrainingSpecJson.Serialize(Specs.For("binaryClassification", data)));
        await File.WriteAllTextAsync(dir.File("store"), "a file where the store should be");

        var result = await CliHarness.RunAsync(TrainerCli.Create(), "train", "--spec", dir.File("spec.json"), "--output", dir.File("store"), "--termination-log", dir.File("t"), "--no-latency");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("internal error", result.Stderr);
        var summary = JsonSerializer.Deserialize<TrainingSummary>(await File.ReadAllTextAsync(dir.File("t")), ManifestJson.Options)!;
        Assert.False(summary.Succeeded);
        Assert.StartsWith("internal error: ", summary.Message);
    }

    [Fact]
    public async Task Train_reads_the_spec_store_and_termination_log_from_the_environment()
    {
        using var dir = new TempDirectory();
        var data = new SyntheticData { Task = "regression", Rows = 200 }.WriteCsv(dir.File("data.csv"));
        await File.WriteAllTextAsync(dir.File("spec.json"), TrainingSpecJson.Serialize(Specs.For("regression", data)));
        (string Name, string Value)[] variables =
        [
            (Flywheel.Contracts.Training.TrainerEnvironment.Spec, dir.File("spec.json")),
            (Flywheel.Contracts.Training.TrainerEnvironment.Store, dir.File("store")),
            (Flywheel.Contracts.Training.TrainerEnvironment.TerminationLog, dir.File("termination-log")),
        ];
        foreach (var (name, value) in variables)
        {
            Environment.SetEnvironmentVariable(name, value);
        }

        ToolResult result;
        try
        {
            result = await CliHarness.RunAsync(TrainerCli.Create(), "train", "--no-latency");
        }
        finally
        {
            foreach (var (name, _) in variables)
            {
                Environment.SetEnvironmentVariable(name, null);
            }
        }

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.True(File.Exists(Path.Combine(dir.Path, "store", "default", "churn", "1.0", "model.onnx")));
        Assert.Contains("\"succeeded\":true", await File.ReadAllTextAsync(dir.File("termination-log")));
    }
}
