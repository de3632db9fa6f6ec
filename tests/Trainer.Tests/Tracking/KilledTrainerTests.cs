using System.Diagnostics;
using Flywheel.Contracts.Training;

namespace Flywheel.Trainer.Tests.Tracking;

public sealed class KilledTrainerTests
{
    [Fact]
    public async Task A_trainer_killed_mid_run_leaves_no_version_and_a_rerun_writes_it()
    {
        using var dir = new TempDirectory();
        var data = new SyntheticData { Task = "binaryClassification", Rows = 20_000 }.WriteCsv(dir.File("data.csv"));
        var spec = Specs.For("binaryClassification", data, "csv", Specs.Candidate("fastTree", ("numberOfTrees", [50, 60, 70, 80])));
        await File.WriteAllTextAsync(dir.File("spec.json"), TrainingSpecJson.Serialize(spec));
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "Flywheel.Trainer.dll"), "train", "--spec", dir.File("spec.json"), "--output", dir.File("store"), "--termination-log", dir.File("t"), "--no-latency" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var trialSeen = new TaskCompletionSource();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.StartsWith("[trainer] trial 1/", StringComparison.Ordinal) == true)
            {
                trialSeen.TrySetResult();
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await trialSeen.Task.WaitAsync(TimeSpan.FromSeconds(90));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }

        var modelDirectory = Path.Combine(dir.Path, "store", "default", "churn");
        Assert.False(Directory.Exists(Path.Combine(modelDirectory, "1.0")), "a killed run must not leave a version");

        var result = await TrainerRunner.RunAsync(spec, dir.File("store"), Specs.Quiet);

        Assert.True(File.Exists(Path.Combine(result.VersionDirectory, "model.onnx")));
        Assert.Equal(["1.0"], Directory.GetDirectories(modelDirectory).Select(Path.GetFileName));
    }
}
