using System.Text.Json;
using Flywheel.Contracts.Logs;

namespace Flywheel.Trainer.Tests.Data;

public sealed class FeedbackLogSourceTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);

    private static PredictionLogRecord Prediction(string id, double age, string prediction) => new()
    {
        Id = id,
        Timestamp = T0,
        Model = "churn",
        Version = "1.0",
        Features = new Dictionary<string, JsonElement>
        {
            ["age"] = JsonSerializer.SerializeToElement(age),
            ["income"] = JsonSerializer.SerializeToElement(55.5),
            ["city"] = JsonSerializer.SerializeToElement("oslo"),
            ["plan"] = JsonSerializer.SerializeToElement("pro"),
        },
        Prediction = prediction,
        Probabilities = new Dictionary<string, double> { ["yes"] = 0.7, ["no"] = 0.3 },
    };

    [Fact]
    public async Task Feedback_joins_by_id_with_labels_winning_over_signals_and_negative_flipping_binary_predictions()
    {
        using var dir = new TempDirectory();
        new SyntheticData { Task = "binaryClassification", Rows = 400 }.WriteCsv(dir.File("data.csv"));
        var logs = Directory.CreateDirectory(dir.File("logs")).FullName;
        await File.WriteAllLinesAsync(Path.Combine(logs, "predictions-0001.jsonl"),
        [
            PredictionLogFormat.ToLine(Prediction("p1", 101, "yes")), // positive → yes
            PredictionLogFormat.ToLine(Prediction("p2", 102, "yes")), // negative → flipped to no
            PredictionLogFormat.ToLine(Prediction("p3", 103, "no")),  // label "yes" wins over a positive signal
            PredictionLogFormat.ToLine(Prediction("p4", 104, "no")),  // no feedback → not a training row
        ]);
        await File.WriteAllLinesAsync(Path.Combine(logs, "feedback-0001.jsonl"),
        [
            PredictionLogFormat.ToLine(new FeedbackLogRecord { Id = "p1", Timestamp = T0.AddMinutes(1), Signal = "positive" }),
            PredictionLogFormat.ToLine(new FeedbackLogRecord { Id = "p2", Timestamp = T0.AddMinutes(1), Signal = "negative" }),
            PredictionLogFormat.ToLine(new FeedbackLogRecord { Id = "p3", Timestamp = T0.AddMinutes(1), Signal = "positive" }),
            PredictionLogFormat.ToLine(new FeedbackLogRecord { Id = "p3", Timestamp = T0.AddMinutes(2), Label = "yes" }),
            PredictionLogFormat.ToLine(new FeedbackLogRecord { Id = "unknown", Timestamp = T0, Signal = "positive" }),
        ]);
        var spec = Specs.For("binaryClassification", dir.File("data.csv"));
        spec = spec with { Data = spec.Data! with { IncludeFeedback = true, FeedbackLogs = "file://" + logs } };
        var log = new StringWriter();

        var result = await TrainerRunner.RunAsync(spec, dir.File("store"), Specs.Quiet with { Log = log });

        Assert.Equal(3, result.Manifest.TrainingData!.FeedbackRows);
        Assert.Equal(403, result.Manifest.TrainingData.RowsLoaded);
        Assert.Contains("feedback-0001.jsonl", result.Manifest.TrainingData.Sources);
        Assert.Contains("3 from feedback: 1 labelled, 1 confirmed, 1 flipped, 0 dropped", log.ToString());

        // The joined rows themselves, through the loader the run used.
        var builder = new Flywheel.Trainer.Data.TableBuilder(
        [
            new("age", true, "feature"), new("income", true, "feature"), new("city", false, "feature"), new("plan", false, "feature"), new("label", false, "label"),
        ]);
        var report = Flywheel.Trainer.Data.FeedbackLogSource.Read(logs, builder, "label", Contracts.Artifacts.ModelTask.BinaryClassification, ["no", "yes"]);
        var table = builder.Build();
        var ages = ((Flywheel.Trainer.Data.NumericColumn)table["age"]).Values;
        var labels = ((Flywheel.Trainer.Data.TextColumn)table["label"]).Values;
        Assert.Equal(new Dictionary<double, string?> { [101] = "yes", [102] = "no", [103] = "yes" }, ages.Zip(labels).ToDictionary(p => p.First, p => p.Second));
        Assert.Equal(4, report.Predictions);
    }

    [Fact]
    public async Task A_negative_signal_on_multiclass_drops_the_row()
    {
        using var dir = new TempDirectory();
        var logs = Directory.CreateDirectory(dir.File("logs")).FullName;
        await File.WriteAllLinesAsync(Path.Combine(logs, "predictions-a.jsonl"), [PredictionLogFormat.ToLine(Prediction("p1", 50, "mid"))]);
        await File.WriteAllLinesAsync(Path.Combine(logs, "feedback-a.jsonl"), [PredictionLogFormat.ToLine(new FeedbackLogRecord { Id = "p1", Timestamp = T0, Signal = "negative" })]);
        var builder = new Flywheel.Trainer.Data.TableBuilder([new("age", true, "feature"), new("label", false, "label")]);

        var report = Flywheel.Trainer.Data.FeedbackLogSource.Read(logs, builder, "label", Contracts.Artifacts.ModelTask.MulticlassClassification, []);

        Assert.Equal(0, builder.RowCount);
        Assert.Equal(1, report.Dropped);
    }

    [Fact]
    public async Task Include_feedback_without_a_log_directory_is_a_spec_error()
    {
        using var dir = new TempDirectory();
        var spec = Specs.For("binaryClassification", new SyntheticData { Task = "binaryClassification", Rows = 50 }.WriteCsv(dir.File("d.csv")));
        spec = spec with { Data = spec.Data! with { IncludeFeedback = true } };

        var ex = await Assert.ThrowsAsync<TrainingInputException>(() => TrainerRunner.RunAsync(spec, dir.File("s"), Specs.Quiet));

        Assert.Contains("spec field data.feedbackLogs is required when includeFeedback is true", ex.Message);
    }

    [Fact]
    public async Task Before_the_first_version_serves_a_missing_log_directory_is_no_feedback()
    {
        using var dir = new TempDirectory();
        var spec = Specs.For("binaryClassification", new SyntheticData { Task = "binaryClassification", Rows = 200 }.WriteCsv(dir.File("d.csv")));
        spec = spec with { Data = spec.Data! with { IncludeFeedback = true, FeedbackLogs = "file://" + dir.File("logs-not-written-yet") } };

        var result = await TrainerRunner.RunAsync(spec, dir.File("s"), Specs.Quiet);

        Assert.Equal(0, result.Manifest.TrainingData!.FeedbackRows);
        Assert.Equal(200, result.Manifest.TrainingData.RowsLoaded);
    }

    [Fact]
    public async Task The_job_environment_names_the_log_directory_when_the_spec_does_not()
    {
        using var dir = new TempDirectory();
        new SyntheticData { Task = "binaryClassification", Rows = 300 }.WriteCsv(dir.File("data.csv"));
        var logs = Directory.CreateDirectory(dir.File("logs")).FullName;
        await File.WriteAllLinesAsync(Path.Combine(logs, "predictions-0001.jsonl"), [PredictionLogFormat.ToLine(Prediction("p1", 99, "yes"))]);
        await File.WriteAllLinesAsync(Path.Combine(logs, "feedback-0001.jsonl"), [PredictionLogFormat.ToLine(new FeedbackLogRecord { Id = "p1", Timestamp = T0, Label = "no" })]);
        var spec = Specs.For("binaryClassification", dir.File("data.csv"));
        spec = spec with { Data = spec.Data! with { IncludeFeedback = true } };
        await File.WriteAllTextAsync(dir.File("spec.json"), Flywheel.Contracts.Training.TrainingSpecJson.Serialize(spec));

        var code = await TrainerCli.Create().RunAsync(
            ["train", "--spec", dir.File("spec.json"), "--output", dir.File("store"), "--termination-log", dir.File("summary.json"), "--feedback-logs", logs, "--no-latency"],
            TextWriter.Null, TextWriter.Null);

        Assert.Equal(0, code);
        var manifest = await Flywheel.Contracts.Artifacts.ManifestJson.ReadAsync(Path.Combine(dir.File("store"), "default", "churn", "1.0"));
        Assert.Equal(1, manifest.TrainingData!.FeedbackRows);
    }
}
