using System.Collections;
using System.Globalization;

namespace Flywheel.Testing;

/// <summary>
/// Polls until a condition holds or a timeout passes, so that a test waits for what it needs instead of sleeping.
/// A timeout throws a <see cref="TimeoutException"/> that names what was awaited, the timeout, and the last value
/// and error seen.
/// </summary>
public static class Poll
{
    /// <summary>Short, so that a test waits barely longer than its condition takes.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// The errors of a server that is starting, restarting or slow to answer; pass as <c>retryOn</c> to keep polling
    /// through them.
    /// </summary>
    public static bool IsTransient(Exception error) => error is HttpRequestException or TaskCanceledException or IOException;

    /// <summary>
    /// Probes until <paramref name="done"/> holds for the value, and returns that value. An error the probe throws
    /// fails at once unless <paramref name="retryOn"/> says it only means "not yet".
    /// </summary>
    public static Task<T> UntilAsync<T>(
        Func<Task<T>> probe,
        Func<T, bool> done,
        TimeSpan timeout,
        string what,
        TimeSpan? interval = null,
        Func<Exception, bool>? retryOn = null) =>
        RunAsync(probe, done, timeout, what, interval, retryOn, showValue: true);

    /// <summary>Checks until the condition holds.</summary>
    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what, TimeSpan? interval = null, Func<Exception, bool>? retryOn = null) =>
        RunAsync(() => Task.FromResult(condition()), held => held, timeout, what, interval, retryOn, showValue: false);

    /// <summary>Checks until the condition holds.</summary>
    public static Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, TimeSpan? interval = null, Func<Exception, bool>? retryOn = null) =>
        RunAsync(condition, held => held, timeout, what, interval, retryOn, showValue: false);

    private static async Task<T> RunAsync<T>(
        Func<Task<T>> probe,
        Func<T, bool> done,
        TimeSpan timeout,
        string what,
        TimeSpan? interval,
        Func<Exception, bool>? retryOn,
        bool showValue)
    {
        var started = TimeProvider.System.GetTimestamp();
        var probed = false;
        var last = default(T);
        Exception? lastError = null;
        while (true)
        {
            try
            {
                last = await probe();
                probed = true;
                if (done(last))
                {
                    return last;
                }
            }
            catch (Exception error) when (retryOn?.Invoke(error) == true)
            {
                lastError = error;
            }

            if (TimeProvider.System.GetElapsedTime(started) >= timeout)
            {
                var message = $"Timed out after {Seconds(timeout)} waiting for: {what}";
                if (showValue)
                {
                    message += probed ? $"; last value: {Describe(last)}" : "; no probe returned a value";
                }

                if (lastError is not null)
                {
                    message += $"; last error: {lastError.GetType().Name}: {lastError.Message}";
                }

                throw new TimeoutException(message, lastError);
            }

            await Task.Delay(interval ?? DefaultInterval);
        }
    }

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";

    /// <summary>The value's own text where its type writes one, else the items of a collection.</summary>
    private static string Describe(object? value)
    {
        const int shown = 10;
        var text = Convert.ToString(value, CultureInfo.InvariantCulture);
        switch (value)
        {
            case null:
                return "null";
            case string:
                return $"\"{text}\"";
            case IEnumerable items when text == value.GetType().ToString():
                var all = items.Cast<object?>().ToList();
                var listed = string.Join(", ", all.Take(shown).Select(Describe));
                return all.Count > shown ? $"[{listed}, … ({all.Count} items)]" : $"[{listed}]";
            default:
                return text ?? value.GetType().Name;
        }
    }
}
