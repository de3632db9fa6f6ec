using Flywheel.InferenceServer.Monitoring;

namespace Flywheel.InferenceServer.Tests.Monitoring;

public sealed class SlidingWindowTests
{
    [Fact]
    public void The_window_counts_the_last_capacity_rows_of_every_distribution()
    {
        var window = new SlidingWindow(capacity: 4, binsPerDistribution: [3, 2]);

        // bins[d × rows + r]: distribution 0 then distribution 1.
        window.Add([0, 1, 2, 1, 1, 0], rows: 3);
        var (counts, _, rows) = window.Snapshot();
        Assert.Equal(3, rows);
        Assert.Equal([1, 1, 1], counts[0]);
        Assert.Equal([1, 2], counts[1]);

        window.Add([2, 2, 0, 0], rows: 2);
        (counts, _, rows) = window.Snapshot();
        Assert.Equal(4, rows);
        Assert.Equal([0, 1, 3], counts[0]);
        Assert.Equal([3, 1], counts[1]);
    }

    [Fact]
    public void A_batch_larger_than_the_window_leaves_its_last_rows()
    {
        var window = new SlidingWindow(capacity: 3, binsPerDistribution: [4]);

        window.Add([0], rows: 1);
        window.Add([1, 2, 3, 3, 3], rows: 5);
        var (counts, _, rows) = window.Snapshot();

        Assert.Equal(3, rows);
        Assert.Equal([0, 0, 0, 3], counts[0]);
        window.Add([0], rows: 1);
        Assert.Equal([1, 0, 0, 2], window.Snapshot().Counts[0]);

        // Totals keep every row since start, whatever has left the window.
        Assert.Equal([2, 1, 1, 3], window.Snapshot().Totals[0]);
    }

    [Fact]
    public async Task Rows_added_from_many_threads_at_once_are_all_counted()
    {
        var window = new SlidingWindow(capacity: 100_000, binsPerDistribution: [4, 2]);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 2000; i++)
            {
                window.Add([(ushort)t, (ushort)t, 0, 1], rows: 2);
            }
        })));
        var (counts, _, rows) = window.Snapshot();

        Assert.Equal(16_000, rows);
        Assert.Equal([4000, 4000, 4000, 4000], counts[0]);
        Assert.Equal([8000, 8000], counts[1]);
    }
}
