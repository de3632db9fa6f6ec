using Flywheel.Contracts.Metrics;
using Prometheus;

namespace Flywheel.Operator.Controllers;

/// <summary>
/// What the controllers did, as the alert rules and dashboards read it: training runs by phase, promotions,
/// gate rejections, rollbacks and fired retrain triggers. Names and labels come from the metric contract.
/// </summary>
public sealed class FlywheelMetrics(CollectorRegistry registry)
{
    private readonly MetricFactory _factory = Metrics.WithCustomRegistry(registry);

    /// <summary>Labels: namespace, model, phase.</summary>
    public Counter TrainingRuns => Counter(MetricNames.OperatorTrainingRuns);

    /// <summary>Labels: namespace, model.</summary>
    public Counter Promotions => Counter(MetricNames.OperatorPromotions);

    /// <summary>Labels: namespace, model, reason.</summary>
    public Counter PromotionRejections => Counter(MetricNames.OperatorPromotionRejections);

    /// <summary>Labels: namespace, model, reason.</summary>
    public Counter Rollbacks => Counter(MetricNames.OperatorRollbacks);

    /// <summary>Labels: namespace, model, reason.</summary>
    public Counter RetrainTriggers => Counter(MetricNames.OperatorRetrainTriggers);

    // prometheus-net returns the registered instance on repeated creation, so this is a cheap lookup.
    private Counter Counter(MetricDescriptor descriptor) =>
        _factory.CreateCounter(descriptor.Name, descriptor.Help, new CounterConfiguration { LabelNames = descriptor.LabelNames });
}
