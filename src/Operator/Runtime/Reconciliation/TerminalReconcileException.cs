namespace Flywheel.Operator.Runtime.Reconciliation;

/// <summary>
/// A failure that retrying cannot fix (an invalid spec). The key is not retried; the next change to the
/// object enqueues it again. The reconciler sets <c>Degraded</c> with an actionable message before throwing.
/// </summary>
public sealed class TerminalReconcileException : Exception
{
    public TerminalReconcileException()
    {
    }

    public TerminalReconcileException(string message)
        : base(message)
    {
    }

    public TerminalReconcileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The reason for the Kubernetes event and the condition, e.g. <c>InvalidSpec</c>.</summary>
    public string Reason { get; init; } = "InvalidSpec";
}
