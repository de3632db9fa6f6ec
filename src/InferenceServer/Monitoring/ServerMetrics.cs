using Flywheel.Contracts.Metrics;
using Prometheus;

namespace Flywheel.InferenceServer.Monitoring;

/// <summary>
/// The server's metric families, created from the <see cref="MetricNames"/> contract in the server's own
/// registry (so that two servers in one process, as in tests, do not share counts).
/// </summary>
internal sealed class ServerMetrics
{
    /// <summary>Request latency bucket bounds in seconds (50 µs to 6.6 s), for /metrics and the monitoring summary alike.</summary>
    public static readonly double[] LatencyBuckets = Histogram.ExponentialBuckets(0.00005, 2, 18);

    public ServerMetrics(CollectorRegistry registry)
    {
        Registry = registry;
        var factory = Metrics.WithCustomRegistry(registry);
        // No exemplars: by default every Inc/Observe inside a request reads the request's Activity and formats
        // its trace and span ids (the host starts one per request), which cost more than the counting itself,
        // and this server exports no traces for them to point at.
        factory.ExemplarBehavior = new ExemplarBehavior { DefaultExemplarProvider = static (_, _) => Exemplar.None };
        Requests = factory.CreateCounter(MetricNames.InferenceRequests.Name, MetricNames.InferenceRequests.Help, MetricNames.InferenceRequests.LabelNames);
        RequestDuration = factory.CreateHistogram(MetricNames.InferenceRequestDuration.Name, MetricNames.InferenceRequestDuration.Help, new HistogramConfiguration
        {
            LabelNames = MetricNames.InferenceRequestDuration.LabelNames,
            Buckets = LatencyBuckets,
        });
        BatchRows = factory.CreateHistogram(MetricNames.InferenceBatchRows.Name, MetricNames.InferenceBatchRows.Help, new HistogramConfiguration
        {
            LabelNames = MetricNames.InferenceBatchRows.LabelNames,
            Buckets = Histogram.ExponentialBuckets(1, 2, 13),
        });
        Inflight = Gauge(factory, MetricNames.InferenceInflightRequests);
        QueueDepth = Gauge(factory, MetricNames.InferenceQueueDepth);
        ProviderInfo = Gauge(factory, MetricNames.InferenceProviderInfo);
        LoadFailures = factory.CreateCounter(MetricNames.ModelLoadFailures.Name, MetricNames.ModelLoadFailures.Help, MetricNames.ModelLoadFailures.LabelNames);
        Predictions = factory.CreateCounter(MetricNames.Predictions.Name, MetricNames.Predictions.Help, MetricNames.Predictions.LabelNames);
        PredictionDrift = Gauge(factory, MetricNames.PredictionDrift);
        InputBins = factory.CreateCounter(MetricNames.InputBinObservations.Name, MetricNames.InputBinObservations.Help, MetricNames.InputBinObservations.LabelNames);
        InputCategories = factory.CreateCounter(MetricNames.InputCategoryObservations.Name, MetricNames.InputCategoryObservations.Help, MetricNames.InputCategoryObservations.LabelNames);
        InputDrift = Gauge(factory, MetricNames.InputDrift);
        UnknownRatio = Gauge(factory, MetricNames.InputUnknownRatio);
        WindowSamples = Gauge(factory, MetricNames.MonitoringWindowSamples);
        Feedback = factory.CreateCounter(MetricNames.Feedback.Name, MetricNames.Feedback.Help, MetricNames.Feedback.LabelNames);
        PositiveRatio = Gauge(factory, MetricNames.FeedbackPositiveRatio);
        LiveAccuracy = Gauge(factory, MetricNames.LiveAccuracy);
        LabeledSamples = Gauge(factory, MetricNames.LiveLabeledSamples);
        Factory = factory;
    }

    public CollectorRegistry Registry { get; }

    /// <summary>For the regression histogram, whose buckets come from each version's baseline.</summary>
    public IMetricFactory Factory { get; }

    public Counter Requests { get; }

    public Histogram RequestDuration { get; }

    public Histogram BatchRows { get; }

    public Gauge Inflight { get; }

    public Gauge QueueDepth { get; }

    public Gauge ProviderInfo { get; }

    public Counter LoadFailures { get; }

    public Counter Predictions { get; }

    public Gauge PredictionDrift { get; }

    public Counter InputBins { get; }

    public Counter InputCategories { get; }

    public Gauge InputDrift { get; }

    public Gauge UnknownRatio { get; }

    public Gauge WindowSamples { get; }

    public Counter Feedback { get; }

    public Gauge PositiveRatio { get; }

    public Gauge LiveAccuracy { get; }

    public Gauge LabeledSamples { get; }

    private static Gauge Gauge(IMetricFactory factory, MetricDescriptor descriptor) =>
        factory.CreateGauge(descriptor.Name, descriptor.Help, descriptor.LabelNames);
}
