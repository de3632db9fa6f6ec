using static Flywheel.Contracts.Metrics.MetricLabels;

namespace Flywheel.Contracts.Metrics;

/// <summary>
/// The one metric-name contract shared by the inference server, the operator, the dashboards,
/// the alert rules and the retrain triggers. Names use the <c>flywheel_</c> prefix and base units;
/// counters end in <c>_total</c>.
/// </summary>
public static class MetricNames
{
    public const string Prefix = "flywheel_";

    // Serving
    public static readonly MetricDescriptor InferenceRequests = Counter(
        "flywheel_inference_requests_total", "Inference requests by outcome.", Namespace, Model, MetricLabels.Version, Outcome);

    public static readonly MetricDescriptor InferenceRequestDuration = Histogram(
        "flywheel_inference_request_duration_seconds", "Inference request latency by outcome.", Namespace, Model, MetricLabels.Version, Outcome);

    public static readonly MetricDescriptor InferenceBatchRows = Histogram(
        "flywheel_inference_batch_rows", "Rows per ONNX Runtime run after dynamic batching.", Namespace, Model, MetricLabels.Version);

    public static readonly MetricDescriptor InferenceInflightRequests = Gauge(
        "flywheel_inference_inflight_requests", "Requests being served now.", Namespace, Model, MetricLabels.Version);

    public static readonly MetricDescriptor InferenceQueueDepth = Gauge(
        "flywheel_inference_queue_depth", "Requests waiting for a batch slot.", Namespace, Model, MetricLabels.Version);

    public static readonly MetricDescriptor InferenceProviderInfo = Gauge(
        "flywheel_inference_provider_info", "1 for the execution provider in use.", Namespace, Model, MetricLabels.Version, Provider);

    public static readonly MetricDescriptor ModelLoadFailures = Counter(
        "flywheel_model_load_failures_total", "Model versions refused at load, by reason.", Namespace, Model, MetricLabels.Version, Reason);

    // Predictions
    public static readonly MetricDescriptor Predictions = Counter(
        "flywheel_predictions_total", "Predictions by predicted class.", Namespace, Model, MetricLabels.Version, Class);

    public static readonly MetricDescriptor PredictionValue = Histogram(
        "flywheel_prediction_value", "Regression predictions over the baseline's bins.", Namespace, Model, MetricLabels.Version);

    public static readonly MetricDescriptor PredictionDrift = Gauge(
        "flywheel_prediction_drift", "Drift of the prediction distribution from its training baseline over the window.", Namespace, Model, MetricLabels.Version, Method);

    // Inputs
    public static readonly MetricDescriptor InputBinObservations = Counter(
        "flywheel_input_bin_observations_total", "Numeric inputs counted over the baseline's bins.", Namespace, Model, MetricLabels.Version, Feature, Bin);

    public static readonly MetricDescriptor InputCategoryObservations = Counter(
        "flywheel_input_category_observations_total", "Categorical inputs by category; __unknown__ for values unseen in training.", Namespace, Model, MetricLabels.Version, Feature, Category);

    public static readonly MetricDescriptor InputDrift = Gauge(
        "flywheel_input_drift", "Drift of a feature's distribution from its training baseline over the window.", Namespace, Model, MetricLabels.Version, Feature, Method);

    public static readonly MetricDescriptor InputUnknownRatio = Gauge(
        "flywheel_input_unknown_ratio", "Share of the window's values of a categorical feature unseen in training.", Namespace, Model, MetricLabels.Version, Feature);

    public static readonly MetricDescriptor MonitoringWindowSamples = Gauge(
        "flywheel_monitoring_window_samples", "Rows in the current monitoring window.", Namespace, Model, MetricLabels.Version);

    // Feedback
    public static readonly MetricDescriptor Feedback = Counter(
        "flywheel_feedback_total", "Feedback received, by signal (positive, negative, label).", Namespace, Model, MetricLabels.Version, Signal);

    public static readonly MetricDescriptor FeedbackPositiveRatio = Gauge(
        "flywheel_feedback_positive_ratio", "Positive share of thumbs feedback over the window.", Namespace, Model, MetricLabels.Version);

    public static readonly MetricDescriptor LiveAccuracy = Gauge(
        "flywheel_live_accuracy_ratio", "Accuracy over the window's predictions that received a true label.", Namespace, Model, MetricLabels.Version);

    public static readonly MetricDescriptor LiveLabeledSamples = Gauge(
        "flywheel_live_labeled_samples", "Predictions in the window that received a true label.", Namespace, Model, MetricLabels.Version);

    // Operator
    public static readonly MetricDescriptor OperatorReconciles = Counter(
        "flywheel_operator_reconciles_total", "Reconciles by controller and result.", Controller, Result);

    public static readonly MetricDescriptor OperatorReconcileDuration = Histogram(
        "flywheel_operator_reconcile_duration_seconds", "Reconcile duration by controller.", Controller);

    public static readonly MetricDescriptor OperatorQueueDepth = Gauge(
        "flywheel_operator_queue_depth", "Keys waiting in a controller's work queue.", Controller);

    public static readonly MetricDescriptor OperatorRetrainTriggers = Counter(
        "flywheel_operator_retrain_triggers_total", "Retrain triggers fired, by reason.", Namespace, Model, Reason);

    public static readonly MetricDescriptor OperatorTrainingRuns = Counter(
        "flywheel_operator_training_runs_total", "Training runs that reached a phase.", Namespace, Model, Phase);

    public static readonly MetricDescriptor OperatorPromotions = Counter(
        "flywheel_operator_promotions_total", "Model versions promoted.", Namespace, Model);

    public static readonly MetricDescriptor OperatorPromotionRejections = Counter(
        "flywheel_operator_promotion_rejections_total", "Model versions the promotion gate rejected, by reason.", Namespace, Model, Reason);

    public static readonly MetricDescriptor OperatorRollbacks = Counter(
        "flywheel_operator_rollbacks_total", "Deployments set back to an earlier version, by reason.", Namespace, Model, Reason);

    /// <summary>Every metric of the contract.</summary>
    public static IReadOnlyList<MetricDescriptor> All { get; } =
    [
        InferenceRequests, InferenceRequestDuration, InferenceBatchRows, InferenceInflightRequests,
        InferenceQueueDepth, InferenceProviderInfo, ModelLoadFailures,
        Predictions, PredictionValue, PredictionDrift,
        InputBinObservations, InputCategoryObservations, InputDrift, InputUnknownRatio, MonitoringWindowSamples,
        Feedback, FeedbackPositiveRatio, LiveAccuracy, LiveLabeledSamples,
        OperatorReconciles, OperatorReconcileDuration, OperatorQueueDepth, OperatorRetrainTriggers,
        OperatorTrainingRuns, OperatorPromotions, OperatorPromotionRejections, OperatorRollbacks,
    ];

    private static MetricDescriptor Counter(string name, string help, params string[] labels) =>
        new(name, MetricType.Counter, help, labels);

    private static MetricDescriptor Gauge(string name, string help, params string[] labels) =>
        new(name, MetricType.Gauge, help, labels);

    private static MetricDescriptor Histogram(string name, string help, params string[] labels) =>
        new(name, MetricType.Histogram, help, labels);
}
