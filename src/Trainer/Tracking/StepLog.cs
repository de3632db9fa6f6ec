using System.Diagnostics;
using System.Globalization;

namespace Flywheel.Trainer.Tracking;

/// <summary>
/// The trainer's log: one line per step with its duration, one per trial, and a progress bar over the trials
/// when the output is a terminal.
/// </summary>
internal sealed class StepLog(TextWriter writer, bool progressBar)
{
    private readonly Lock _gate = new();

    public T Step<T>(string name, Func<T> action, Func<T, string> describe)
    {
        var start = Stopwatch.GetTimestamp();
        var result = action();
        Line($"{name}: {describe(result)} ({Seconds(start)})");
        return result;
    }

    public async Task<T> StepAsync<T>(string name, Func<Task<T>> action, Func<T, string> describe)
    {
        var start = Stopwatch.GetTimestamp();
        var result = await action();
        Line($"{name}: {describe(result)} ({Seconds(start)})");
        return result;
    }

    public void Trial(int done, int total, string text)
    {
        lock (_gate)
        {
            if (progressBar)
            {
                writer.Write("\r\u001b[2K");
            }

            writer.WriteLine($"[trainer] trial {done}/{total} {text}");
            if (progressBar)
            {
                const int width = 30;
                var filled = width * done / Math.Max(total, 1);
                writer.Write($"[{new string('#', filled)}{new string('.', width - filled)}] {done}/{total} trials");
                if (done == total)
                {
                    writer.WriteLine();
                }
            }

            writer.Flush();
        }
    }

    public void Line(string text)
    {
        lock (_gate)
        {
            writer.WriteLine($"[trainer] {text}");
            writer.Flush();
        }
    }

    private static string Seconds(long start) =>
        Stopwatch.GetElapsedTime(start).TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture) + " s";
}
