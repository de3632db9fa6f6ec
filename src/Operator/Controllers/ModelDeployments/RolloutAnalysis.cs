using System.Globalization;
using Flywheel.Operator.Api.V1Alpha1;
using Flywheel.Operator.Builders;

namespace Flywheel.Operator.Controllers.ModelDeployments;

/// <summary>
/// What a new version measured during its analysis window; null where the source has no such number.
/// <paramref name="Requests"/> is how many requests the error rate and p99 stand on.
/// </summary>
public sealed record RolloutMeasurements(double? ErrorRate, double? P99LatencyMilliseconds, double? Accuracy, long LabeledSamples = 0, long Requests = 0);

/// <summary>The rollout rules of a ModelDeployment as pure decisions: is the version under analysis, and did it break a limit.</summary>
public static class RolloutAnalysis
{
    /// <summary>Fewest labelled predictions before live accuracy can fail a version.</summary>
    public const long MinLabeledForAccuracy = 20;

    /// <summary>Fewest requests before the error rate or p99 can fail a version: one failure in three requests is not a 33 % error rate.</summary>
    public const long MinRequestsForErrorsAndLatency = 20;

    public const string RolledBackPrefix = "RolledBack from ";

    /// <summary>When the analysis of the serving version ends, or null when it is not under analysis.</summary>
    public static DateTimeOffset? WindowEnd(ModelDeploymentSpec spec, ModelDeploymentStatus status)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(status);
        if (spec.Rollout?.Analysis is not { } analysis || spec.Rollout.AutoRollback == false || status.PreviousVersion is null
            || status.History is not { Count: > 0 } history || history[^1].Reason?.StartsWith(RolledBackPrefix, StringComparison.Ordinal) == true
            || history[^1].Time is not { } since)
        {
            return null;
        }

        return since + Durations.Parse(analysis.Window ?? "10m", "spec.rollout.analysis.window");
    }

    /// <summary>The limit the version broke, as a sentence; null when it kept every limit.</summary>
    public static string? Breach(AnalysisSpec analysis, RolloutMeasurements measured)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        ArgumentNullException.ThrowIfNull(measured);
        var enoughRequests = measured.Requests >= MinRequestsForErrorsAndLatency;
        if (analysis.MaxErrorRate is { } maxErrors && measured.ErrorRate is { } errors && enoughRequests && errors > maxErrors)
        {
            return $"error rate {Format(errors)} is above maxErrorRate {Format(maxErrors)}";
        }

        if (analysis.MaxP99LatencyMilliseconds is { } maxLatency && measured.P99LatencyMilliseconds is { } latency && enoughRequests && latency > maxLatency)
        {
            return $"p99 latency {Format(latency)} ms is above maxP99LatencyMilliseconds {Format(maxLatency)}";
        }

        if (analysis.MinAccuracy is { } minAccuracy && measured.Accuracy is { } accuracy && measured.LabeledSamples >= MinLabeledForAccuracy && accuracy < minAccuracy)
        {
            return $"live accuracy {Format(accuracy)} is below minAccuracy {Format(minAccuracy)}";
        }

        return null;
    }

    /// <summary>The version that was rolled back from, while the last change was an automatic rollback.</summary>
    public static string? RolledBackFrom(ModelDeploymentStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var reason = status.History is { Count: > 0 } history ? history[^1].Reason : null;
        if (reason is null || !reason.StartsWith(RolledBackPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = reason[RolledBackPrefix.Length..];
        var end = rest.IndexOf(':', StringComparison.Ordinal);
        return end < 0 ? rest : rest[..end];
    }

    private static string Format(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
