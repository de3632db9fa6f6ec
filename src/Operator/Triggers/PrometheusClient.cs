using System.Globalization;
using System.Text.Json;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace Flywheel.Operator.Triggers;

/// <summary>Prometheus could not answer; the message says which URL and why.</summary>
public sealed class PrometheusUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A PromQL query Prometheus rejected (bad syntax, unknown function): a spec problem, not an outage.</summary>
public sealed class PromQlException(string message) : Exception(message);

/// <summary>
/// Instant queries against one Prometheus HTTP API, with retries for blips and a circuit breaker so that an
/// outage costs one fast failure per evaluation instead of a timeout per trigger.
/// </summary>
public sealed class PrometheusClient
{
    private readonly HttpClient _http;
    private readonly ResiliencePipeline _pipeline;

    public PrometheusClient(HttpClient http, Uri baseAddress, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
        BaseAddress = baseAddress;
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = 0.5,
                MinimumThroughput = 4,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = TimeSpan.FromSeconds(30),
                ShouldHandle = new PredicateBuilder().Handle<HttpRequestException>().Handle<TaskCanceledException>(),
            })
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = 2,
                Delay = TimeSpan.FromMilliseconds(200),
                BackoffType = DelayBackoffType.Exponential,
                ShouldHandle = new PredicateBuilder().Handle<HttpRequestException>(),
            })
            .AddTimeout(TimeSpan.FromSeconds(10))
            .Build();
    }

    public Uri BaseAddress { get; }

    /// <summary>The query's single number: a scalar, or a vector's one sample; null when the vector is empty.</summary>
    public async Task<double?> QueryAsync(string promql, CancellationToken cancellationToken)
    {
        JsonElement body;
        try
        {
            body = await _pipeline.ExecuteAsync(
                async ct =>
                {
                    using var response = await _http.GetAsync(new Uri(BaseAddress, "api/v1/query?query=" + Uri.EscapeDataString(promql)), ct).ConfigureAwait(false);
                    if ((int)response.StatusCode is 400 or 422)
                    {
                        var error = await response.Content.ReadFromJsonAsync<JsonElement>(ct).ConfigureAwait(false);
                        throw new PromQlException($"Prometheus rejected the query {promql}: {(error.TryGetProperty("error", out var e) ? e.GetString() : response.ReasonPhrase)}");
                    }

                    if (!response.IsSuccessStatusCode)
                    {
                        throw new HttpRequestException($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
                    }

                    return await response.Content.ReadFromJsonAsync<JsonElement>(ct).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or BrokenCircuitException or Polly.Timeout.TimeoutRejectedException or JsonException)
        {
            throw new PrometheusUnavailableException($"Prometheus unreachable: {BaseAddress} ({ex.Message})", ex);
        }

        return Parse(body, promql);
    }

    internal static double? Parse(JsonElement body, string promql)
    {
        var data = body.GetProperty("data");
        var result = data.GetProperty("result");
        JsonElement value;
        switch (data.GetProperty("resultType").GetString())
        {
            case "scalar":
                value = result;
                break;
            case "vector":
                if (result.GetArrayLength() == 0)
                {
                    return null;
                }

                if (result.GetArrayLength() > 1)
                {
                    throw new PromQlException($"the query {promql} returned {result.GetArrayLength()} series; aggregate it to one number, for example with max() or sum()");
                }

                value = result[0].GetProperty("value");
                break;
            default:
                throw new PromQlException($"the query {promql} returned a {data.GetProperty("resultType").GetString()}; an instant query returning one number is needed");
        }

        var text = value[1].GetString();
        var number = double.Parse(text!, NumberStyles.Float, CultureInfo.InvariantCulture);
        return double.IsNaN(number) ? null : number;
    }
}

/// <summary>One client per Prometheus URL, so that each circuit breaker remembers its own server across reconciles.</summary>
public sealed class PrometheusClients(IHttpClientFactory httpClients, TimeProvider time)
{
    private readonly Dictionary<string, PrometheusClient> _clients = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public PrometheusClient For(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var baseAddress = new Uri(url.EndsWith('/') ? url : url + "/");
        lock (_lock)
        {
            if (!_clients.TryGetValue(baseAddress.AbsoluteUri, out var client))
            {
                client = new PrometheusClient(httpClients.CreateClient("prometheus"), baseAddress, time);
                _clients[baseAddress.AbsoluteUri] = client;
            }

            return client;
        }
    }
}
