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
