namespace Flywheel.Contracts.Monitoring;

/// <summary>Merges replica summaries of one model version: sums the counts, then recomputes every ratio and drift.</summary>
public static class MonitoringMerge
{
    public static MonitoringSummary Merge(IReadOnlyList<MonitoringSummary> replicas)
    {
        if (replicas.Count == 0)
        {
            throw new ArgumentException("no summaries to merge; pass at least one replica's summary", nameof(replicas));
        }

        var first = replicas[0];
        foreach (var other in replicas)
        {
            if (other.Version != first.Version || other.Model != first.Model || other.Namespace != first.Namespace)
            {
                throw new ArgumentException($"summaries of {first.Namespace}/{first.Model} {first.Version} and {other.Namespace}/{other.Model} {other.Version} cannot be merged; merge per model version");
            }
        }

        var features = first.Features.Select((f, i) =>
        {
            var counts = SumCounts(replicas.Select(r => r.Features[i].Counts));
            var unknown = replicas.Sum(r => r.Features[i].Unknown);
            var samples = replicas.Sum(r => r.Features[i].Samples);
            return f with
            {
                Counts = counts,
                Samples = samples,
                Unknown = unknown,
                Missing = replicas.Sum(r => r.Features[i].Missing),
                UnknownRate = samples > 0 ? unknown / (double)samples : 0,
                Drift = DriftMath.Compute(first.DriftMethod, counts, f.Baseline, f.Type == "numeric"),
            };
        }).ToList();

        var predictionCounts = SumCounts(replicas.Select(r => r.Predictions.Counts));
        var positive = replicas.Sum(r => r.Feedback.Positive);
        var negative = replicas.Sum(r => r.Feedback.Negative);
        var labeled = replicas.Sum(r => r.Feedback.Labeled);
        var correct = replicas.Sum(r => r.Feedback.Correct);
        return first with
        {
            Replicas = [.. replicas.SelectMany(r => r.Replicas)],
            Timestamp = replicas.Max(r => r.Timestamp),
            WindowCapacity = replicas.Sum(r => r.WindowCapacity),
            Samples = replicas.Sum(r => r.Samples),
            TotalPredictions = replicas.Sum(r => r.TotalPredictions),
            Features = features,
            Predictions = first.Predictions with
            {
                Counts = predictionCounts,
                Samples = replicas.Sum(r => r.Predictions.Samples),
                Drift = DriftMath.Compute(first.DriftMethod, predictionCounts, first.Predictions.Baseline, first.Predictions.BinEdges is not null),
            },
            Feedback = new FeedbackWindow
            {
                WindowCapacity = replicas.Sum(r => r.Feedback.WindowCapacity),
                Positive = positive,
                Negative = negative,
                Labeled = labeled,
                Correct = correct,
                PositiveRatio = positive + negative > 0 ? positive / (double)(positive + negative) : null,
                Accuracy = labeled > 0 ? correct / (double)labeled : null,
            },
            Requests = MergeRequests(replicas),
        };
    }

    /// <summary>Sums the replicas' request windows; null when none reports one.</summary>
    private static RequestWindow? MergeRequests(IReadOnlyList<MonitoringSummary> replicas)
    {
        var windows = replicas.Select(r => r.Requests).OfType<RequestWindow>().ToList();
        if (windows.Count == 0)
        {
            return null;
        }

        var first = windows[0];
        if (windows.Any(w => !w.LatencyBounds.SequenceEqual(first.LatencyBounds)))
        {
            throw new ArgumentException("replicas report request latency over different buckets; they must run the same server version");
        }

        var outcomes = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (outcome, count) in windows.SelectMany(w => w.Outcomes))
        {
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + count;
        }

        return first with
        {
            WindowSeconds = windows.Max(w => w.WindowSeconds),
            Outcomes = outcomes,
            LatencyCounts = SumCounts(windows.Select(w => w.LatencyCounts)),
        };
    }

    private static long[] SumCounts(IEnumerable<IReadOnlyList<long>> all)
    {
        long[]? sum = null;
        foreach (var counts in all)
        {
            sum ??= new long[counts.Count];
            if (counts.Count != sum.Length)
            {
                throw new ArgumentException($"replicas disagree on the number of bins ({counts.Count} vs {sum.Length}); they must serve the same version");
            }

            for (var i = 0; i < counts.Count; i++)
            {
                sum[i] += counts[i];
            }
        }

        return sum ?? [];
    }
}
