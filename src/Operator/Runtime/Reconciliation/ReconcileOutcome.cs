using Flywheel.Operator.Runtime.Queue;

namespace Flywheel.Operator.Runtime.Reconciliation;

/// <summary>How a reconcile ended, as the <c>result</c> label of the reconcile counter.</summary>
public enum ReconcileOutcome
{
    Success,
    Requeue,
    Error,
    Terminal,
    Canceled,
}

/// <summary>Turns a reconcile's result or exception into the next step for its key in the work queue.</summary>
public static class ReconcileOutcomes
{
    public static string Label(this ReconcileOutcome outcome) => outcome switch
    {
        ReconcileOutcome.Success => "success",
        ReconcileOutcome.Requeue => "requeue",
        ReconcileOutcome.Error => "error",
        ReconcileOutcome.Terminal => "terminal",
        ReconcileOutcome.Canceled => "canceled",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, null),
    };

    /// <summary>A successful reconcile resets the key's backoff; <c>RequeueAfter</c> plans a re-check.</summary>
    public static ReconcileOutcome Apply<T>(WorkQueue<T> queue, T key, ReconcileResult result) where T : notnull
    {
        queue.Forget(key);
        if (result.RequeueAfter is { } delay)
        {
            queue.AddAfter(key, delay);
            return ReconcileOutcome.Requeue;
        }

        return ReconcileOutcome.Success;
    }

    /// <summary>A terminal error is not retried; any other error retries with the key's exponential backoff.</summary>
    public static ReconcileOutcome Apply<T>(WorkQueue<T> queue, T key, Exception error, bool stopping) where T : notnull
    {
        if (stopping && error is OperationCanceledException)
        {
            return ReconcileOutcome.Canceled;
        }

        if (error is TerminalReconcileException)
        {
            queue.Forget(key);
            return ReconcileOutcome.Terminal;
        }

        queue.AddRateLimited(key);
        return ReconcileOutcome.Error;
    }
}
