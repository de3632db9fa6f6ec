namespace Flywheel.Contracts.Monitoring;

/// <summary>
/// <c>GET /v2/models/{name}/monitoring</c>: one replica's sliding window of inputs, predictions and feedback.
/// Everything is counts, so the operator merges replicas exactly with <see cref="MonitoringMerge"/>:
/// sum the counts, then compute drift once.
/// </summary>
public sealed record MonitoringSummary
{
    public required string Namespace { get; init; }

    public required string Model { get; init; }

    public required string Version { get; init; }

    /// <summary>Replicas that contributed (one for a single server, several after a merge).</summary>
    public required IReadOnlyList<string> Replicas { get; init; }

    public required DateTimeOffset Timestamp { get; init; }

    public required DriftMethod DriftMethod { get; init; }

    /// <summary>Rows the window holds at most, per replica.</summary>
    public required int WindowCapacity { get; init; }

    /// <summary>Rows in the window now.</summary>
    public required long Samples { get; init; }

    /// <summary>Rows predicted since start (not windowed).</summary>
    public required long TotalPredictions { get; init; }

    public required IReadOnlyList<FeatureWindow> Features { get; init; }

    public required DistributionWindow Predictions { get; init; }

    public required FeedbackWindow Feedback { get; init; }

    /// <summary>Requests and their latency over the last minutes; null from a server that does not report them.</summary>
    public RequestWindow? Requests { get; init; }
}

/// <summary>
/// A binned distribution over the window beside its baseline. <see cref="Bins"/> names each bin: numeric
/// bins as <c>[lo,hi)</c>, categories by value plus <c>__unknown__</c> and <c>__missing__</c>.
/// </summary>
public record DistributionWindow
{
    public required IReadOnlyList<string> Bins { get; init; }

    public required IReadOnlyList<long> Counts { get; init; }

    /// <summary>Training shares per bin (0 for <c>__unknown__</c> and <c>__missing__</c>).</summary>
    public required IReadOnlyList<double> Baseline { get; init; }

    /// <summary>Numeric bins: the inner edges; null for categories.</summary>
    public IReadOnlyList<double>? BinEdges { get; init; }

    public required long Samples { get; init; }

    public required double Drift { get; init; }
}

/// <summary>One input feature's window.</summary>
public sealed record FeatureWindow : DistributionWindow
{
    public required string Name { get; init; }

    /// <summary><c>numeric</c> or <c>categorical</c>.</summary>
    public required string Type { get; init; }

    /// <summary>Values never seen in training (categorical).</summary>
    public long Unknown { get; init; }

    public long Missing { get; init; }

    /// <summary>Unknown share of the window's values (0 for numeric features).</summary>
    public double UnknownRate { get; init; }
}

/// <summary>Feedback over the window: thumbs counts and labelled predictions.</summary>
public sealed record FeedbackWindow
{
    public required int WindowCapacity { get; init; }

    public required long Positive { get; init; }

    public required long Negative { get; init; }

    public required long Labeled { get; init; }

    public required long Correct { get; init; }

    /// <summary>Positive / (positive + negative); null without thumbs feedback.</summary>
    public double? PositiveRatio { get; init; }

    /// <summary>Correct / labeled; null without labels.</summary>
    public double? Accuracy { get; init; }
}

/// <summary>
/// Requests by outcome and their latency histogram over the last <see cref="WindowSeconds"/>: what rollout analysis
/// reads without Prometheus. Counts, so replicas merge by summing.
/// </summary>
public sealed record RequestWindow
{
    /// <summary>Outcomes that count as the server failing (the client's mistakes and 429s do not).</summary>
    public static readonly IReadOnlyList<string> ErrorOutcomes = ["server_error", "unavailable"];

    public required int WindowSeconds { get; init; }

    /// <summary>Requests per outcome (<c>success</c>, <c>client_error</c>, <c>overloaded</c>, <c>unavailable</c>, <c>server_error</c>).</summary>
    public required IReadOnlyDictionary<string, long> Outcomes { get; init; }

    /// <summary>Upper bounds of the latency buckets in seconds, ascending.</summary>
    public required IReadOnlyList<double> LatencyBounds { get; init; }

    /// <summary>Requests per latency bucket (not cumulative); one more than the bounds, the last above the last bound.</summary>
    public required IReadOnlyList<long> LatencyCounts { get; init; }

    [System.Text.Json.Serialization.JsonIgnore]
    public long Total => Outcomes.Values.Sum();

    /// <summary>Share of requests that failed on the server's side; null without requests.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public double? ErrorRate
    {
        get
        {
            var total = Total;
            return total > 0 ? ErrorOutcomes.Sum(o => Outcomes.GetValueOrDefault(o)) / (double)total : null;
        }
    }

    /// <summary>
    /// The latency quantile in seconds as Prometheus's histogram_quantile computes it: linear within the bucket that
    /// holds the rank, the lowest bucket starting at 0, and the last bound when the rank falls above it. Null without requests.
    /// </summary>
    public double? Quantile(double q)
    {
        var total = LatencyCounts.Sum();
        if (total == 0)
        {
            return null;
        }

        var rank = q * total;
        long below = 0;
        for (var b = 0; b < LatencyBounds.Count; b++)
        {
            var count = LatencyCounts[b];
            if (below + count >= rank && count > 0)
            {
                var lower = b == 0 ? 0 : LatencyBounds[b - 1];
                return lower + ((LatencyBounds[b] - lower) * ((rank - below) / count));
            }

            below += count;
        }

        return LatencyBounds.Count > 0 ? LatencyBounds[^1] : null;
    }
}
