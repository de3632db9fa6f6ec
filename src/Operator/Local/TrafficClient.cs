using System.Text.Json.Nodes;
using k8s;

namespace Flywheel.Operator.Local;

/// <summary>
/// Plays the model's callers: sends predictions to the Ready endpoints of the inference Service, the
/// way kube-proxy spreads them, and answers some with feedback. A request that finds its pod gone
/// (connection refused, or 503 while the pod drains) is retried once on another Ready endpoint, as a
/// load balancer would; one that still fails is counted as failed.
/// </summary>
internal sealed class TrafficClient(IKubernetes kubernetes, string @namespace, string service, string model) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly Random _random = new(7);
    private IReadOnlyList<string> _endpoints = [];
    private DateTimeOffset _endpointsReadAt = DateTimeOffset.MinValue;
    private int _next;

    public long Sent { get; private set; }

    public long Succeeded { get; private set; }

    public long Retried { get; private set; }

    public long Failed { get; private set; }

    public long FeedbackSent { get; private set; }

    /// <summary>Why the last attempt that did not succeed failed.</summary>
    public string? LastError { get; private set; }

    /// <summary>Versions that answered, with how many predictions each served.</summary>
    public Dictionary<string, long> ServedBy { get; } = new(StringComparer.Ordinal);

    /// <summary>Sends one batch of customers; returns how many predictions came back.</summary>
    public async Task<int> PredictAsync(IReadOnlyList<ChurnDataset.Customer> customers, Func<ChurnDataset.Customer, string, string?> feedbackFor, CancellationToken cancellationToken)
    {
        Sent++;
        var body = new { instances = customers.Select(ChurnDataset.ToInstance).ToArray() };
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (attempt > 0)
            {
                await Task.Delay(100 * attempt, cancellationToken);
            }

            var endpoint = await PickAsync(forceRefresh: attempt > 0, cancellationToken);
            if (endpoint is null)
            {
                LastError = "no Ready endpoint";
                continue;
            }

            try
            {
                using var response = await _http.PostAsJsonAsync($"http://{endpoint}/v2/models/{model}/predict", body, cancellationToken);
                if (response.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable)
                {
                    Retried++;
                    LastError = $"{endpoint} answered 503 (draining)";
                    continue;
                }

                if (!response.IsSuccessStatusCode)
                {
                    LastError = $"{endpoint} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}";
                    break;
                }

                var answer = await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken);
                var version = (string?)answer?["model_version"] ?? "?";
                var predictions = answer?["predictions"]?.AsArray() ?? [];
                ServedBy[version] = ServedBy.GetValueOrDefault(version) + predictions.Count;
                Succeeded++;
                for (var i = 0; i < predictions.Count && i < customers.Count; i++)
                {
                    var id = (string?)predictions[i]?["id"];
                    var label = (string?)predictions[i]?["label"];
                    var feedback = id is null || label is null ? null : feedbackFor(customers[i], label);
                    if (feedback is not null)
                    {
                        await SendFeedbackAsync(endpoint, id!, feedback, cancellationToken);
                    }
                }

                return predictions.Count;
            }
            catch (HttpRequestException ex)
            {
                Retried++;
                LastError = $"{endpoint}: {ex.Message}";
            }
        }

        Failed++;
        return 0;
    }

    /// <summary>"positive"/"negative" become thumbs; anything else is a true label.</summary>
    private async Task SendFeedbackAsync(string endpoint, string id, string feedback, CancellationToken cancellationToken)
    {
        object body = feedback is "positive" or "negative" ? new { id, signal = feedback } : new { id, label = feedback };
        try
        {
            using var response = await _http.PostAsJsonAsync($"http://{endpoint}/v2/models/{model}/feedback", body, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                FeedbackSent++;
            }
        }
        catch (HttpRequestException)
        {
            // Feedback for a prediction whose pod just went away is lost, as it would be in a cluster.
        }
    }

    public double SampleRandom() => _random.NextDouble();

    private async Task<string?> PickAsync(bool forceRefresh, CancellationToken cancellationToken)
    {
        if (forceRefresh || _endpoints.Count == 0 || DateTimeOffset.UtcNow - _endpointsReadAt > TimeSpan.FromMilliseconds(250))
        {
            _endpoints = await ReadEndpointsAsync(cancellationToken);
            _endpointsReadAt = DateTimeOffset.UtcNow;
        }

        return _endpoints.Count == 0 ? null : _endpoints[_next++ % _endpoints.Count];
    }

    private async Task<IReadOnlyList<string>> ReadEndpointsAsync(CancellationToken cancellationToken)
    {
        try
        {
            var endpoints = await kubernetes.CoreV1.ReadNamespacedEndpointsAsync(service, @namespace, cancellationToken: cancellationToken);
            return [.. (endpoints.Subsets ?? [])
                .SelectMany(s => (s.Addresses ?? []).SelectMany(a => (s.Ports ?? []).Select(p => $"{a.Ip}:{p.Port}")))];
        }
        catch (k8s.Autorest.HttpOperationException)
        {
            return [];
        }
    }

    public void Dispose() => _http.Dispose();
}
