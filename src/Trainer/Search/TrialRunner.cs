using System.Diagnostics;
using System.Globalization;
using Flywheel.Trainer.Export;
using Flywheel.Trainer.Models;
using Flywheel.Trainer.Tracking;

namespace Flywheel.Trainer.Search;

/// <summary>A finished trial: metrics averaged over the splits, training time, ONNX latency, and (holdout) its model.</summary>
internal sealed record TrialResult(
    TrialSpec Trial,
    IReadOnlyDictionary<string, double> Metrics,
    double TrainingSeconds,
    double? OnnxLatencyMicroseconds,
    ITrainedModel? Model);

/// <summary>
/// Runs trials, <c>parallelism</c> at a time. Each trial trains on every split, scores the held-out rows,
/// and exports its first split's model to measure single-row ONNX Runtime latency.
/// </summary>
internal sealed class TrialRunner(ICandidateBackend backend, IReadOnlyList<(IPreparedData Train, TrainingRows Test)> splits, StepLog log, bool measureLatency)
{
    public async Task<IReadOnlyList<TrialResult>> RunAsync(IReadOnlyList<TrialSpec> trials, int parallelism, int seed, CancellationToken cancellationToken)
    {
        var results = new TrialResult[trials.Count];
        var done = 0;
        await Parallel.ForEachAsync(
            trials,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = cancellationToken },
            (trial, token) =>
            {
                token.ThrowIfCancellationRequested();
                var result = Run(trial, seed);
                results[trial.Index - 1] = result;
                var finished = Interlocked.Increment(ref done);
                log.Trial(finished, trials.Count, Describe(result));
                return ValueTask.CompletedTask;
            });
        return results;
    }

    private TrialResult Run(TrialSpec trial, int seed)
    {
        var metrics = new List<Dictionary<string, double>>();
        var seconds = 0.0;
        double? latency = null;
        ITrainedModel? kept = null;
        foreach (var (train, test) in splits)
        {
            var start = Stopwatch.GetTimestamp();
            var model = backend.Train(train, trial.Algorithm, trial.Parameters, seed);
            seconds += Stopwatch.GetElapsedTime(start).TotalSeconds;
            metrics.Add(MetricCalculator.Compute(test.Label, model.Predict(test.Table)));
            if (kept is null)
            {
                kept = model;
                if (measureLatency)
                {
                    using var scorer = new OnnxScorer(model.ExportOnnx(), test.Features, test.Label);
                    latency = scorer.MeasureLatencyMicroseconds(test.Table);
                }
            }
        }

        var averaged = metrics[0].Keys.ToDictionary(
            k => k,
            k => Math.Round(metrics.Select(m => m[k]).Average(), 6),
            StringComparer.Ordinal);
        return new TrialResult(trial, averaged, Math.Round(seconds, 3), latency, splits.Count == 1 ? kept : null);
    }

    public static string Describe(TrialResult result)
    {
        var parameters = string.Join(" ", result.Trial.Algorithm.Describe(result.Trial.Parameters).Select(p => $"{p.Key}={p.Value}"));
        var metrics = string.Join(" ", result.Metrics.Select(m => $"{m.Key}={m.Value.ToString("0.####", CultureInfo.InvariantCulture)}"));
        var latency = result.OnnxLatencyMicroseconds is { } l ? $", onnx {l.ToString("0.#", CultureInfo.InvariantCulture)} µs/row" : "";
        return $"{result.Trial.Algorithm.Name} {parameters}: {metrics} in {result.TrainingSeconds.ToString("0.00", CultureInfo.InvariantCulture)} s{latency}";
    }
}
