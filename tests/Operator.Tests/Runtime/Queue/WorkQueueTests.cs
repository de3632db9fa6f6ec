using Flywheel.Operator.Runtime.Queue;
using Microsoft.Extensions.Time.Testing;

namespace Flywheel.Operator.Tests.Runtime.Queue;

public sealed class WorkQueueTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Adding_a_waiting_item_twice_queues_it_once()
    {
        using var queue = new WorkQueue<string>(_time);

        queue.Add("a");
        queue.Add("a");
        queue.Add("b");

        Assert.Equal(2, queue.Count);
        Assert.Equal("a", await Next(queue));
        Assert.Equal("b", await Next(queue));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task An_item_being_processed_is_not_handed_out_again_until_done()
    {
        using var queue = new WorkQueue<string>(_time);
        queue.Add("a");
        var first = await Next(queue);

        queue.Add("a");
        queue.Add("a");

        Assert.Equal(0, queue.Count);
        Assert.True(queue.IsProcessing("a"));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await queue.GetAsync(cts.Token));

        queue.Done(first);

        Assert.Equal(1, queue.Count);
        Assert.Equal("a", await Next(queue));
    }

    [Fact]
    public async Task Done_without_a_new_add_does_not_requeue()
    {
        using var queue = new WorkQueue<string>(_time);
        queue.Add("a");
        queue.Done(await Next(queue));

        Assert.Equal(0, queue.Count);
        Assert.False(queue.IsProcessing("a"));
    }

    [Fact]
    public async Task Concurrent_workers_never_process_one_key_at_the_same_time()
    {
        using var queue = new WorkQueue<int>(TimeProvider.System);
        var inFlight = new int[4];
        var overlaps = 0;
        var processed = 0;
        using var cts = new CancellationTokenSource(Deadline);

        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var (ok, key) = await queue.GetAsync(cts.Token);
                if (!ok)
                {
                    return;
                }

                if (Interlocked.Increment(ref inFlight[key]) > 1)
                {
                    Interlocked.Increment(ref overlaps);
                }

                await Task.Yield();
                Interlocked.Decrement(ref inFlight[key]);
                Interlocked.Increment(ref processed);
                queue.Done(key);
            }
        })).ToArray();

        for (var i = 0; i < 2000; i++)
        {
            queue.Add(i % 4);
        }

        while (queue.Count > 0 || Enumerable.Range(0, 4).Any(queue.IsProcessing))
        {
            Assert.False(cts.IsCancellationRequested, "the queue did not drain before the deadline");
            await Task.Delay(5, cts.Token);
        }

        queue.ShutDown();
        await Task.WhenAll(workers);

        Assert.Equal(0, overlaps);
        Assert.InRange(processed, 4, 2000);
    }

    [Fact]
    public void AddAfter_waits_for_the_clock_and_keeps_the_earliest_due_time()
    {
        using var queue = new WorkQueue<string>(_time);

        queue.AddAfter("a", TimeSpan.FromSeconds(30));
        queue.AddAfter("a", TimeSpan.FromSeconds(10));
        queue.AddAfter("a", TimeSpan.FromSeconds(20));

        Assert.Equal(0, queue.Count);
        Assert.Equal(1, queue.WaitingCount);

        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(0, queue.Count);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, queue.Count);
        Assert.Equal(0, queue.WaitingCount);

        // The replaced 30 s timer must not add the item a second time.
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public void AddRateLimited_grows_the_delay_per_failure()
    {
        using var queue = new WorkQueue<string>(_time, new ExponentialBackoff<string>(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8)));

        var delays = Enumerable.Range(0, 5).Select(_ => queue.AddRateLimited("a")).ToArray();

        Assert.Equal(new[] { 1, 2, 4, 8, 8 }.Select(s => TimeSpan.FromSeconds(s)), delays);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public async Task ShutDown_releases_waiting_workers()
    {
        var queue = new WorkQueue<string>(_time);
        var waiting = queue.GetAsync(CancellationToken.None).AsTask();

        queue.ShutDown();
        var (ok, _) = await waiting.WaitAsync(Deadline);

        Assert.False(ok);
        queue.Add("a");
        Assert.Equal(0, queue.Count);
        queue.Dispose();
    }

    private static async Task<string> Next(WorkQueue<string> queue)
    {
        using var cts = new CancellationTokenSource(Deadline);
        var (ok, item) = await queue.GetAsync(cts.Token);
        Assert.True(ok);
        return item;
    }
}
