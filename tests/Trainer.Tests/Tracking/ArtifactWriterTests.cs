using System.Text.Json;
using Flywheel.Contracts.Artifacts;
using Flywheel.Trainer.Tracking;

namespace Flywheel.Trainer.Tests.Tracking;

public sealed class ArtifactWriterTests
{
    [Fact]
    public async Task A_summary_with_a_huge_message_is_cut_to_fit_the_termination_message_limit()
    {
        using var dir = new TempDirectory();
        var summary = new TrainingSummary { Succeeded = false, Message = new string('x', 20_000) };

        await ArtifactWriter.WriteSummaryAsync(dir.File("t/log"), summary, CancellationToken.None);

        var bytes = await File.ReadAllBytesAsync(dir.File("t/log"));
        Assert.InRange(bytes.Length, 100, TrainingSummary.MaxBytes);
        var read = JsonSerializer.Deserialize<TrainingSummary>(bytes, ManifestJson.Options)!;
        Assert.False(read.Succeeded);
        Assert.StartsWith("xxxx", read.Message);
    }

    [Fact]
    public void The_progress_bar_is_drawn_only_for_a_terminal()
    {
        var terminal = new StringWriter();
        var redirected = new StringWriter();

        new StepLog(terminal, progressBar: true).Trial(1, 2, "a");
        new StepLog(redirected, progressBar: false).Trial(1, 2, "a");

        Assert.Contains("[###############...............] 1/2 trials", terminal.ToString());
        Assert.Equal("[trainer] trial 1/2 a" + Environment.NewLine, redirected.ToString());
    }

    [Fact]
    public void Each_step_line_carries_its_duration()
    {
        var log = new StringWriter();

        var value = new StepLog(log, false).Step("clean", () => 42, v => $"{v} rows");

        Assert.Equal(42, value);
        Assert.Matches(@"^\[trainer\] clean: 42 rows \(\d+\.\d{3} s\)", log.ToString());
    }
}
