using Flywheel.Operator.Triggers;

using ApiDrift = Flywheel.Operator.Api.V1Alpha1.DriftMethod;

namespace Flywheel.Operator.Tests.Triggers;

public sealed class PrometheusQueriesTests
{
    public static TheoryData<string, string> Queries() => new()
    {
        { PrometheusQueries.InputDrift("ml", "churn", ApiDrift.Psi, null), "max(flywheel_input_drift{namespace=\"ml\",model=\"churn\",method=\"psi\"})" },
        { PrometheusQueries.InputDrift("ml", "churn", ApiDrift.Wasserstein, ["age", "plan.type"]), "max(flywheel_input_drift{namespace=\"ml\",model=\"churn\",method=\"wasserstein\",feature=~\"age|plan\\\\.type\"})" },
        { PrometheusQueries.PredictionDrift("ml", "churn", ApiDrift.JensenShannon), "max(flywheel_prediction_drift{namespace=\"ml\",model=\"churn\",method=\"jensenShannon\"})" },
        { PrometheusQueries.UnknownCategories("ml", "churn"), "max(flywheel_input_unknown_ratio{namespace=\"ml\",model=\"churn\"})" },
        { PrometheusQueries.Accuracy("ml", "churn", "1.2"), "sum(flywheel_live_accuracy_ratio{namespace=\"ml\",model=\"churn\",version=\"1.2\"} * flywheel_live_labeled_samples{namespace=\"ml\",model=\"churn\",version=\"1.2\"}) / sum(flywheel_live_labeled_samples{namespace=\"ml\",model=\"churn\",version=\"1.2\"})" },
        { PrometheusQueries.NegativeFeedback("ml", "churn", TimeSpan.FromHours(1)), "sum(increase(flywheel_feedback_total{namespace=\"ml\",model=\"churn\",signal=\"negative\"}[3600s])) / sum(increase(flywheel_feedback_total{namespace=\"ml\",model=\"churn\",signal=~\"positive|negative\"}[3600s]))" },
        { PrometheusQueries.ErrorRate("ml", "churn", "2.0", TimeSpan.FromMinutes(5)), "sum(rate(flywheel_inference_requests_total{namespace=\"ml\",model=\"churn\",version=\"2.0\",outcome=~\"server_error|unavailable\"}[300s])) / sum(rate(flywheel_inference_requests_total{namespace=\"ml\",model=\"churn\",version=\"2.0\"}[300s]))" },
        { PrometheusQueries.P99LatencyMilliseconds("ml", "churn", "2.0", TimeSpan.FromMinutes(5)), "1000 * histogram_quantile(0.99, sum by (le) (rate(flywheel_inference_request_duration_seconds_bucket{namespace=\"ml\",model=\"churn\",version=\"2.0\"}[300s])))" },
        { PrometheusQueries.Requests("ml", "churn", "2.0", TimeSpan.FromMinutes(5)), "sum(increase(flywheel_inference_requests_total{namespace=\"ml\",model=\"churn\",version=\"2.0\"}[300s]))" },
        { PrometheusQueries.UnknownCategories("m\"l", "c"), "max(flywheel_input_unknown_ratio{namespace=\"m\\\"l\",model=\"c\"})" },
    };

    [Theory]
    [MemberData(nameof(Queries))]
    public void PromQL_is_generated_from_the_metric_contract(string actual, string expected) => Assert.Equal(expected, actual);
}
