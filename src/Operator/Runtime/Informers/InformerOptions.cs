namespace Flywheel.Operator.Runtime.Informers;

/// <summary>Timing of an informer.</summary>
public sealed record InformerOptions
{
    /// <summary>How often every cached object is re-delivered, so a missed event cannot leave an object unreconciled forever.</summary>
    public TimeSpan ResyncPeriod { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>First wait after a failed list or watch; doubles up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);
}
