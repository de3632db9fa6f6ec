using Flywheel.Operator.Runtime.Queue;
using Flywheel.Operator.Runtime.Reconciliation;
using Microsoft.Extensions.Time.Testing;

namespace Flywheel.Operator.Tests.Runtime.Reconciliation;

public sealed class ReconcileOutcomesTests
{
    private readonly FakeTimeProvider _time = new();

    private WorkQueue<string> NewQueue() =>
        new(_time, new ExponentialBackoff<string>(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10)));

    [Fact]
    public void Errors_retry_with_growing_backoff_and_success_resets_it()
    {
        using var queue = NewQueue();

        Assert.Equal(ReconcileOutcome.Error, ReconcileOutcomes.Apply(queue, "a", new InvalidOperationException("boom"), stopping: false));
        Assert.Equal(ReconcileOutcome.Error, ReconcileOutcomes.Apply(queue, "a", new InvalidOperationException("boom"), stopping: false));
        Assert.Equal(2, queue.Backoff.Failures("a"));

        // First retry after 1 s (the earliest pending due time), not before.
        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(0, queue.Count);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, queue.Count);

        Assert.Equal(ReconcileOutcome.Success, ReconcileOutcomes.Apply(queue, "a", ReconcileResult.Done));
        Assert.Equal(0, queue.Backoff.Failures("a"));
        Assert.Equal(TimeSpan.FromSeconds(1), queue.AddRateLimited("a"));
    }

    [Fact]
    public void RequeueAfter_plans_a_recheck_on_the_clock_without_a_failure()
    {
        using var queue = NewQueue();

        var outcome = ReconcileOutcomes.Apply(queue, "a", ReconcileResult.Requeue(TimeSpan.FromMinutes(5)));

        Assert.Equal(ReconcileOutcome.Requeue, outcome);
        Assert.Equal(0, queue.Backoff.Failures("a"));
        _time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromTicks(1));
        Assert.Equal(0, queue.Count);
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public void Terminal_errors_are_not_retried()
    {
        using var queue = NewQueue();
        ReconcileOutcomes.Apply(queue, "a", new InvalidOperationException("transient"), stopping: false);

        var outcome = ReconcileOutcomes.Apply(queue, "b", new TerminalReconcileException("spec.replicas must be at least 1"), stopping: false);

        Assert.Equal(ReconcileOutcome.Terminal, outcome);
        Assert.Equal(0, queue.Backoff.Failures("b"));
        _time.Advance(TimeSpan.FromDays(1));
        // Only the transient error of "a" came back.
        Assert.Equal(1, queue.Count);
        Assert.Equal(0, queue.WaitingCount);
    }

    [Fact]
    public void Cancellation_during_shutdown_is_not_an_error()
    {
        using var queue = NewQueue();

        var outcome = ReconcileOutcomes.Apply(queue, "a", new OperationCanceledException(), stopping: true);

        Assert.Equal(ReconcileOutcome.Canceled, outcome);
        Assert.Equal(0, queue.WaitingCount);
    }

    [Fact]
    public void Negative_requeue_is_refused_with_the_fix()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ReconcileResult.Requeue(TimeSpan.FromSeconds(-1)));
        Assert.Contains("TimeSpan.Zero", ex.Message, StringComparison.Ordinal);
    }
}
