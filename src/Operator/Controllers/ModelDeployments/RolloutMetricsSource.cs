using Flywheel.Operator.Api.V1Alpha1;
using Flywheel.Operator.Builders;
using Flywheel.Operator.Triggers;

namespace Flywheel.Operator.Controllers.ModelDeployments;

/// <summary>
/// Reads a new version's health from the same source as the retrain triggers: Prometheus when the operator has one,
/// else the pods' merged monitoring summaries (error rate and p99 over their last five minutes of requests, and live
/// accuracy over their feedback window).
/// </summary>
public sealed class RolloutMetricsSource(PrometheusClients prometheus, MonitoringSummaryClient summaries, ClusterReader cluster, OperatorSettings settings)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    public async Task<RolloutMeasurements> MeasureAsync(ModelDeployment deployment, string version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        var ns = deployment.Metadata.NamespaceProperty;
        var model = deployment.Spec.ModelRef.Name;
        if (!string.IsNullOrEmpty(settings.PrometheusUrl))
        {
            var client = prometheus.For(settings.PrometheusUrl);
            return new RolloutMeasurements(
                await client.QueryAsync(PrometheusQueries.ErrorRate(ns, model, version, Window), cancellationToken).ConfigureAwait(false),
                await client.QueryAsync(PrometheusQueries.P99LatencyMilliseconds(ns, model, version, Window), cancellationToken).ConfigureAwait(false),
                await client.QueryAsync(PrometheusQueries.Accuracy(ns, model, version), cancellationToken).ConfigureAwait(false),
                (long)(await client.QueryAsync(PrometheusQueries.LabeledSamples(ns, model, version), cancellationToken).ConfigureAwait(false) ?? 0),
                (long)Math.Round(await client.QueryAsync(PrometheusQueries.Requests(ns, model, version, Window), cancellationToken).ConfigureAwait(false) ?? 0));
        }

        var pods = await cluster.PodsAsync(ns, $"{ChildMetadata.DeploymentLabel}={deployment.Metadata.Name},{ChildMetadata.VersionLabel}={version}", cancellationToken).ConfigureAwait(false);
        var (summary, _) = await summaries.ReadAsync(pods, model, cancellationToken).ConfigureAwait(false);
        if (summary is null || summary.Version != version)
        {
            return new RolloutMeasurements(null, null, null);
        }

        var requests = summary.Requests;
        return new RolloutMeasurements(
            requests?.ErrorRate,
            requests?.Quantile(0.99) * 1000,
            summary.Feedback.Accuracy,
            summary.Feedback.Labeled,
            requests?.Total ?? 0);
    }
}
