namespace Flywheel.Operator.Runtime.Queue;

/// <summary>
/// Per-item exponential backoff, as controller-runtime's default rate limiter: the n-th consecutive
/// failure of one item waits <c>baseDelay * 2^n</c>, capped at <c>maxDelay</c>. Other items are not affected.
/// </summary>
public sealed class ExponentialBackoff<T> where T : notnull
{
    private readonly Dictionary<T, int> _failures = [];
    private readonly Lock _lock = new();

    public ExponentialBackoff(TimeSpan baseDelay, TimeSpan maxDelay)
    {
        if (baseDelay <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(baseDelay), baseDelay, "The base delay must be positive, e.g. 5ms.");
        }

        if (maxDelay < baseDelay)
        {
            throw new ArgumentOutOfRangeException(nameof(maxDelay), maxDelay, "The maximum delay must be at least the base delay.");
        }

        BaseDelay = baseDelay;
        MaxDelay = maxDelay;
    }

    /// <summary>controller-runtime's defaults: 5 ms doubling up to 1000 s.</summary>
    public static ExponentialBackoff<T> Default() => new(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1000));

    public TimeSpan BaseDelay { get; }

    public TimeSpan MaxDelay { get; }

    /// <summary>Records one more failure of <paramref name="item"/> and returns how long to wait before retrying it.</summary>
    public TimeSpan NextDelay(T item)
    {
        int exponent;
        lock (_lock)
        {
            _failures.TryGetValue(item, out exponent);
            _failures[item] = exponent + 1;
        }

        // 2^exponent overflows long ticks long before the cap matters; clamp the exponent first.
        var factor = Math.Pow(2, Math.Min(exponent, 62));
        var ticks = BaseDelay.Ticks * factor;
        return ticks >= MaxDelay.Ticks ? MaxDelay : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>How many consecutive failures have been recorded for <paramref name="item"/>.</summary>
    public int Failures(T item)
    {
        lock (_lock)
        {
            return _failures.GetValueOrDefault(item);
        }
    }

    /// <summary>Forgets the failures of <paramref name="item"/>, so its next failure waits the base delay again.</summary>
    public void Reset(T item)
    {
        lock (_lock)
        {
            _failures.Remove(item);
        }
    }
}
