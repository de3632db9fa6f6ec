using System.Text.Json;
using Flywheel.Contracts.Monitoring;
using k8s.Models;

namespace Flywheel.Operator.Triggers;

/// <summary>
/// Reads <c>/v2/models/{name}/monitoring</c> from every ready pod of a deployment and merges the replicas exactly
/// (counts are summed, drift computed once), the source of trigger readings when no Prometheus is configured.
/// </summary>
public sealed class MonitoringSummaryClient(IHttpClientFactory httpClients)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The merged summary, or an error naming the pods that could not be read.</summary>
    public async Task<(MonitoringSummary? Summary, string? Error)> ReadAsync(IReadOnlyList<V1Pod> pods, string model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pods);
        var ready = pods.Where(IsReady).ToList();
        if (ready.Count == 0)
        {
            return (null, "no ready inference pods to read monitoring summaries from");
        }

        var http = httpClients.CreateClient("monitoring");
        var failures = new List<string>();
        var summaries = new List<MonitoringSummary>();
        foreach (var pod in ready)
        {
            var port = pod.Spec?.Containers?.SelectMany(c => c.Ports ?? []).FirstOrDefault(p => p.Name == "http")?.ContainerPort ?? 8080;
            var uri = new Uri($"http://{pod.Status.PodIP}:{port}/v2/models/{Uri.EscapeDataString(model)}/monitoring");
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(5));
                var summary = await http.GetFromJsonAsync<MonitoringSummary>(uri, Json, timeout.Token).ConfigureAwait(false);
                if (summary is not null)
                {
                    summaries.Add(summary);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or JsonException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                failures.Add($"{pod.Metadata.Name}: {ex.Message}");
            }
        }

        if (summaries.Count == 0)
        {
            return (null, "could not read any monitoring summary: " + string.Join("; ", failures));
        }

        // Replicas of different versions (mid-rollout) cannot be merged: judge the newest one's window.
        var version = summaries.MaxBy(s => Flywheel.Contracts.Versioning.ModelVersion.TryParse(s.Version, out var v) ? v : default)!.Version;
        var merged = MonitoringMerge.Merge([.. summaries.Where(s => s.Version == version)]);
        return (merged, failures.Count == 0 ? null : "some pods did not answer: " + string.Join("; ", failures));
    }

    private static bool IsReady(V1Pod pod) =>
        pod.Metadata?.DeletionTimestamp is null
        && !string.IsNullOrEmpty(pod.Status?.PodIP)
        && pod.Status.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;
}
