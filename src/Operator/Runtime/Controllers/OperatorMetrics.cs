using Flywheel.Contracts.Metrics;
using Prometheus;

namespace Flywheel.Operator.Runtime.Controllers;

/// <summary>The controller runtime's Prometheus metrics, named by the metric contract.</summary>
public sealed class OperatorMetrics
{
    public OperatorMetrics(CollectorRegistry registry)
    {
        Registry = registry;
        var factory = Metrics.WithCustomRegistry(registry);
        Reconciles = factory.CreateCounter(
            MetricNames.OperatorReconciles.Name, MetricNames.OperatorReconciles.Help,
            new CounterConfiguration { LabelNames = MetricNames.OperatorReconciles.LabelNames });
        ReconcileDuration = factory.CreateHistogram(
            MetricNames.OperatorReconcileDuration.Name, MetricNames.OperatorReconcileDuration.Help,
            new HistogramConfiguration
            {
                LabelNames = MetricNames.OperatorReconcileDuration.LabelNames,
                Buckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
            });
        QueueDepth = factory.CreateGauge(
            MetricNames.OperatorQueueDepth.Name, MetricNames.OperatorQueueDepth.Help,
            new GaugeConfiguration { LabelNames = MetricNames.OperatorQueueDepth.LabelNames });
    }

    public CollectorRegistry Registry { get; }

    /// <summary>Labels: controller, result.</summary>
    public Counter Reconciles { get; }

    /// <summary>Labels: controller.</summary>
    public Histogram ReconcileDuration { get; }

    /// <summary>Labels: controller.</summary>
    public Gauge QueueDepth { get; }
}
