namespace Flywheel.Contracts.Metrics;

/// <summary>The Prometheus metric type of a <see cref="MetricDescriptor"/>.</summary>
public enum MetricType
{
    Counter,
    Gauge,
    Histogram,
}
