using Flywheel.InferenceServer.Monitoring;
using Microsoft.Extensions.Time.Testing;

namespace Flywheel.InferenceServer.Tests.Monitoring;

public sealed class RequestWindowTrackerTests
{
    private static readonly int Success = Array.IndexOf(RequestOutcome.All, RequestOutcome.Success);
    private static readonly int ServerError = Array.IndexOf(RequestOutcome.All, RequestOutcome.ServerError);

    [Fact]
    public void Requests_count_by_outcome_and_latency_bucket()
    {
        var tracker = new RequestWindowTracker(new FakeTimeProvider(), [0.001, 0.01], TimeSpan.FromMinutes(5));
        tracker.Record(Success, 0.0005);
        tracker.Record(Success, 0.001);
        tracker.Record(Success, 0.005);
        tracker.Record(ServerError, 2);

        var window = tracker.Snapshot();

        Assert.Equal(300, window.WindowSeconds);
        Assert.Equal(3, window.Outcomes[RequestOutcome.Success]);
        Assert.Equal(1, window.Outcomes[RequestOutcome.ServerError]);
        Assert.Equal(0, window.Outcomes[RequestOutcome.ClientError]);
        // A value on a bound belongs to that bucket (le), as in Prometheus.
        Assert.Equal([2L, 1, 1], window.LatencyCounts);
        Assert.Equal(0.25, window.ErrorRate);
    }

    [Fact]
    public void Requests_older_than_the_window_drop_out_slot_by_slot()
    {
        var time = new FakeTimeProvider();
        var tracker = new RequestWindowTracker(time, [0.001], TimeSpan.FromMinutes(5));
        tracker.Record(ServerError, 0.0001);
        time.Advance(TimeSpan.FromMinutes(4));
        tracker.Record(Success, 0.0001);
        Assert.Equal(2, tracker.Snapshot().Total);

        time.Advance(TimeSpan.FromSeconds(70));
        var later = tracker.Snapshot();
        Assert.Equal(1, later.Total);
        Assert.Equal(0, later.ErrorRate);

        // A slot that comes round again starts from zero rather than adding to what it held five minutes ago.
        time.Advance(TimeSpan.FromMinutes(5));
        tracker.Record(Success, 0.0001);
        Assert.Equal(1, tracker.Snapshot().Total);
    }

    [Fact]
    public async Task Concurrent_requests_are_all_counted()
    {
        var tracker = new RequestWindowTracker(TimeProvider.System, [0.001], TimeSpan.FromMinutes(5));
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 25_000; i++)
            {
                tracker.Record(Success, 0.0001);
            }
        })));

        Assert.Equal(100_000, tracker.Snapshot().Total);
    }
}
