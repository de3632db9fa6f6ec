using Flywheel.Operator.Api.V1Alpha1;
using Flywheel.Operator.Builders;
using Flywheel.Operator.Controllers;

namespace Flywheel.Operator.Triggers;

/// <summary>
/// Gathers the readings a policy's metric triggers need: from Prometheus (the policy's URL, else the operator's),
/// or without one from the watched deployment's pods' monitoring summaries merged across replicas.
/// </summary>
public sealed class TriggerReadingsSource(PrometheusClients prometheus, MonitoringSummaryClient summaries, ClusterReader cluster, OperatorSettings settings)
{
    public async Task<TriggerReadings> ReadAsync(RetrainPolicy policy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var triggers = policy.Spec.Triggers;
        var needsMetrics = triggers.InputDrift is not null || triggers.PredictionDrift is not null || triggers.UnknownCategories is not null
            || triggers.Accuracy is not null || triggers.Feedback is not null || triggers.Custom is { Count: > 0 };
        if (!needsMetrics)
        {
            return new TriggerReadings();
        }

        var url = policy.Spec.Prometheus?.Url is { Length: > 0 } own ? own : settings.PrometheusUrl;
        if (!string.IsNullOrEmpty(url))
        {
            try
            {
                return await FromPrometheusAsync(prometheus.For(url), policy, cancellationToken).ConfigureAwait(false);
            }
            catch (PrometheusUnavailableException ex)
            {
                return new TriggerReadings { SourceError = ex.Message };
            }
        }

        if (triggers.Custom is { Count: > 0 } && policy.Spec.DeploymentRef is null)
        {
            return new TriggerReadings { SourceError = "custom PromQL triggers need Prometheus: set spec.prometheus.url or the chart's prometheus.url" };
        }

        if (policy.Spec.DeploymentRef is not { } deploymentRef)
        {
            return new TriggerReadings { SourceError = "metric triggers need spec.deploymentRef or a Prometheus URL" };
        }

        var pods = await cluster.PodsAsync(policy.Metadata.NamespaceProperty, $"{ChildMetadata.DeploymentLabel}={deploymentRef.Name}", cancellationToken).ConfigureAwait(false);
        var (summary, error) = await summaries.ReadAsync(pods, policy.Spec.ModelRef.Name, cancellationToken).ConfigureAwait(false);
        if (summary is null)
        {
            return new TriggerReadings { SourceError = error };
        }

        var readings = MonitoringReadings.From(summary, triggers);
        return triggers.Custom is { Count: > 0 } custom
            ? readings with { Custom = custom.ToDictionary(c => c.Name, _ => Reading.Missing("custom PromQL triggers need Prometheus: set spec.prometheus.url"), StringComparer.Ordinal) }
            : readings;
    }

    private static async Task<TriggerReadings> FromPrometheusAsync(PrometheusClient client, RetrainPolicy policy, CancellationToken cancellationToken)
    {
        var ns = policy.Metadata.NamespaceProperty;
        var model = policy.Spec.ModelRef.Name;
        var triggers = policy.Spec.Triggers;
        var samples = (long)(await client.QueryAsync(PrometheusQueries.WindowSamples(ns, model), cancellationToken).ConfigureAwait(false) ?? 0);
        async Task<Reading> Read(string promql, long count) =>
            await client.QueryAsync(promql, cancellationToken).ConfigureAwait(false) is { } value ? new Reading(value, count) : Reading.Missing($"no series for {promql}");

        var custom = new Dictionary<string, Reading>(StringComparer.Ordinal);
        foreach (var trigger in triggers.Custom ?? [])
        {
            try
            {
                custom[trigger.Name] = await Read(trigger.Promql, long.MaxValue).ConfigureAwait(false);
            }
            catch (PromQlException ex)
            {
                custom[trigger.Name] = Reading.Missing(ex.Message);
            }
        }

        var feedbackWindow = TimeSpan.FromHours(1);
        return new TriggerReadings
        {
            InputDrift = triggers.InputDrift is { } input
                ? await Read(PrometheusQueries.InputDrift(ns, model, input.Method ?? Api.V1Alpha1.DriftMethod.Psi, input.Features), samples).ConfigureAwait(false)
                : null,
            PredictionDrift = triggers.PredictionDrift is not null
                ? await Read(PrometheusQueries.PredictionDrift(ns, model, Api.V1Alpha1.DriftMethod.Psi), samples).ConfigureAwait(false)
                : null,
            UnknownCategories = triggers.UnknownCategories is not null ? await Read(PrometheusQueries.UnknownCategories(ns, model), samples).ConfigureAwait(false) : null,
            Accuracy = triggers.Accuracy is not null
                ? await Read(PrometheusQueries.Accuracy(ns, model), (long)(await client.QueryAsync(PrometheusQueries.LabeledSamples(ns, model), cancellationToken).ConfigureAwait(false) ?? 0)).ConfigureAwait(false)
                : null,
            NegativeFeedback = triggers.Feedback is not null
                ? await Read(PrometheusQueries.NegativeFeedback(ns, model, feedbackWindow), (long)(await client.QueryAsync(PrometheusQueries.ThumbsFeedback(ns, model, feedbackWindow), cancellationToken).ConfigureAwait(false) ?? 0)).ConfigureAwait(false)
                : null,
            Custom = custom,
        };
    }
}
