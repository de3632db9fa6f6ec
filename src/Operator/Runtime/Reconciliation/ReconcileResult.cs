namespace Flywheel.Operator.Runtime.Reconciliation;

/// <summary>What happens after a reconcile that did not throw.</summary>
public sealed record ReconcileResult
{
    private ReconcileResult(TimeSpan? requeueAfter) => RequeueAfter = requeueAfter;

    /// <summary>The world matches; wait for the next change.</summary>
    public static ReconcileResult Done { get; } = new((TimeSpan?)null);

    /// <summary>When set, a planned re-check (a schedule, polling a trigger) after this delay.</summary>
    public TimeSpan? RequeueAfter { get; }

    /// <summary>Re-checks the object after <paramref name="delay"/> without counting as a failure.</summary>
    public static ReconcileResult Requeue(TimeSpan delay)
    {
        if (delay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(delay), delay, "RequeueAfter must not be negative; use TimeSpan.Zero to re-check at once.");
        }

        return new(delay);
    }
}
