using Flywheel.Contracts.Metrics;

namespace Flywheel.Operator.Builders;

/// <summary>Label selectors of the metric contract, with values escaped for PromQL string literals.</summary>
public static class PromQl
{
    public static string ModelSelector(string @namespace, string model) =>
        $"{{{MetricLabels.Namespace}=\"{Escape(@namespace)}\",{MetricLabels.Model}=\"{Escape(model)}\"}}";

    public static string VersionSelector(string @namespace, string model, string version) =>
        $"{{{MetricLabels.Namespace}=\"{Escape(@namespace)}\",{MetricLabels.Model}=\"{Escape(model)}\",{MetricLabels.Version}=\"{Escape(version)}\"}}";

    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
    }
}
