using System.Globalization;
using System.Net;
using k8s.Autorest;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Flywheel.Operator.Runtime.Resilience;

/// <summary>Retry and timeout settings for calls to the API server.</summary>
public sealed record ResilienceOptions
{
    public int MaxRetryAttempts { get; init; } = 5;

    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Limit of one attempt; a slower answer counts as a transient failure.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// The Polly pipeline every API call goes through: transient failures (429, 5xx, timeouts, connection errors)
/// are retried with exponential backoff and jitter, honouring Retry-After; anything else (400, 403, 404, 409,
/// 422) is the caller's to handle.
/// </summary>
public static class KubernetesResilience
{
    public static ResiliencePipeline CreatePipeline(ResilienceOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } ex && IsTransient(ex, args.Context.CancellationToken)),
                MaxRetryAttempts = options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Exception, options.MaxDelay)),
            })
            .AddTimeout(options.AttemptTimeout)
            .Build();
    }

    /// <summary>True for failures that a later attempt can succeed past.</summary>
    public static bool IsTransient(Exception exception, CancellationToken callerToken) => exception switch
    {
        HttpOperationException http => IsTransient(http.Response?.StatusCode),
        HttpRequestException => true,
        TimeoutRejectedException => true,
        IOException => true,

        // HttpClient reports its own timeout as a cancellation the caller did not ask for.
        OperationCanceledException => !callerToken.IsCancellationRequested,
        _ => false,
    };

    public static bool IsTransient(HttpStatusCode? status) => status is not null
        && (status == HttpStatusCode.TooManyRequests || (int)status.Value >= 500);

    private static TimeSpan? RetryAfter(Exception? exception, TimeSpan max)
    {
        if (exception is not HttpOperationException { Response.Headers: { } headers }
            || !headers.TryGetValue("Retry-After", out var values))
        {
            return null;
        }

        var value = values.FirstOrDefault();
        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(Math.Min(seconds, max.TotalSeconds))
            : null;
    }
}
