using System.Globalization;
using Flywheel.Operator.Builders;
using Flywheel.Contracts.Metrics;

namespace Flywheel.Operator.Triggers;

/// <summary>
/// PromQL for the triggers and the rollout analysis, generated from the metric-name contract so that a renamed
/// metric breaks the build instead of silently returning nothing.
/// </summary>
public static class PrometheusQueries
{
    /// <summary>The worst drift over the watched features (a regex alternation of their names, or all).</summary>
    public static string InputDrift(string ns, string model, Api.V1Alpha1.DriftMethod method, IReadOnlyList<string>? features)
    {
        var selector = Selector(ns, model, ("method", ApiText.Of(method)));
        if (features is { Count: > 0 })
        {
            var alternation = string.Join('|', features.Select(f => PromQl.Escape(System.Text.RegularExpressions.Regex.Escape(f))));
            selector = selector[..^1] + $",feature=~\"{alternation}\"}}";
        }

        return $"max({MetricNames.InputDrift.Name}{selector})";
    }

    public static string PredictionDrift(string ns, string model, Api.V1Alpha1.DriftMethod method) =>
        $"max({MetricNames.PredictionDrift.Name}{Selector(ns, model, ("method", ApiText.Of(method)))})";

    public static string UnknownCategories(string ns, string model) => $"max({MetricNames.InputUnknownRatio.Name}{Selector(ns, model)})";

    /// <summary>Rows in the windows of every replica.</summary>
    public static string WindowSamples(string ns, string model) => $"sum({MetricNames.MonitoringWindowSamples.Name}{Selector(ns, model)})";

    /// <summary>Accuracy over all replicas, weighted by each replica's labelled predictions.</summary>
    public static string Accuracy(string ns, string model, string? version = null)
    {
        var selector = Selector(ns, model, version);
        return $"sum({MetricNames.LiveAccuracy.Name}{selector} * {MetricNames.LiveLabeledSamples.Name}{selector}) / sum({MetricNames.LiveLabeledSamples.Name}{selector})";
    }

    public static string LabeledSamples(string ns, string model, string? version = null) => $"sum({MetricNames.LiveLabeledSamples.Name}{Selector(ns, model, version)})";

    public static string NegativeFeedback(string ns, string model, TimeSpan window) =>
        $"sum(increase({MetricNames.Feedback.Name}{Selector(ns, model, ("signal", "negative"))}[{Range(window)}])) / {ThumbsFeedback(ns, model, window)}";

    public static string ThumbsFeedback(string ns, string model, TimeSpan window) =>
        $"sum(increase({MetricNames.Feedback.Name}{Selector(ns, model)[..^1]},signal=~\"positive|negative\"}}[{Range(window)}]))";

    /// <summary>Share of requests to one version that failed on the server side (client errors are the caller's).</summary>
    public static string ErrorRate(string ns, string model, string version, TimeSpan window)
    {
        var selector = Selector(ns, model, version);
        return $"sum(rate({MetricNames.InferenceRequests.Name}{selector[..^1]},outcome=~\"server_error|unavailable\"}}[{Range(window)}])) / sum(rate({MetricNames.InferenceRequests.Name}{selector}[{Range(window)}]))";
    }

    /// <summary>Requests the version answered over the window, whatever their outcome.</summary>
    public static string Requests(string ns, string model, string version, TimeSpan window) =>
        $"sum(increase({MetricNames.InferenceRequests.Name}{Selector(ns, model, version)}[{Range(window)}]))";

    public static string P99LatencyMilliseconds(string ns, string model, string version, TimeSpan window) =>
        $"1000 * histogram_quantile(0.99, sum by (le) (rate({MetricNames.InferenceRequestDuration.Name}_bucket{Selector(ns, model, version)}[{Range(window)}])))";

    private static string Selector(string ns, string model, string? version) =>
        version is null ? PromQl.ModelSelector(ns, model) : PromQl.VersionSelector(ns, model, version);

    private static string Selector(string ns, string model, params (string Label, string Value)[] extra)
    {
        var selector = PromQl.ModelSelector(ns, model);
        return extra.Length == 0 ? selector : selector[..^1] + string.Concat(extra.Select(e => $",{e.Label}=\"{PromQl.Escape(e.Value)}\"")) + "}";
    }

    private static string Range(TimeSpan window) => string.Create(CultureInfo.InvariantCulture, $"{Math.Max(1, (long)window.TotalSeconds)}s");
}
