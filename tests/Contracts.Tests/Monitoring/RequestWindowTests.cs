using Flywheel.Contracts.Monitoring;

namespace Flywheel.Contracts.Tests.Monitoring;

public sealed class RequestWindowTests
{
    private static readonly double[] Bounds = [0.001, 0.01, 0.1];

    [Fact]
    public void The_error_rate_counts_server_side_failures_only()
    {
        var window = Window(new() { ["success"] = 90, ["client_error"] = 5, ["overloaded"] = 2, ["server_error"] = 2, ["unavailable"] = 1 }, [100, 0, 0, 0]);

        Assert.Equal(100, window.Total);
        Assert.Equal(0.03, window.ErrorRate!.Value, 12);
    }

    [Fact]
    public void Quantiles_interpolate_within_the_bucket_as_histogram_quantile_does()
    {
        // 50 requests under 1 ms, 40 in (1 ms, 10 ms], 10 in (10 ms, 100 ms]: the 99th is the 9th of the last 10.
        var window = Window(new() { ["success"] = 100 }, [50, 40, 10, 0]);

        Assert.Equal(0.01 + (0.09 * 0.9), window.Quantile(0.99)!.Value, 12);
        Assert.Equal(0.001 * (50 / 50.0), window.Quantile(0.5)!.Value, 12);
        Assert.Equal(0.001 + (0.009 * 0.5), window.Quantile(0.7)!.Value, 12);
    }

    [Fact]
    public void A_rank_above_the_last_bound_answers_the_last_bound_and_no_requests_answer_nothing()
    {
        Assert.Equal(0.1, Window(new() { ["success"] = 10 }, [0, 0, 5, 5]).Quantile(0.99));
        var empty = Window([], [0, 0, 0, 0]);
        Assert.Null(empty.Quantile(0.99));
        Assert.Null(empty.ErrorRate);
    }

    [Fact]
    public void Replica_windows_merge_by_summing_outcomes_and_buckets()
    {
        var a = Summary("a", Window(new() { ["success"] = 10, ["server_error"] = 2 }, [6, 6, 0, 0]));
        var b = Summary("b", Window(new() { ["success"] = 8 }, [0, 4, 4, 0]));
        var none = Summary("c", null);

        var merged = MonitoringMerge.Merge([a, b, none]).Requests!;

        Assert.Equal(20, merged.Total);
        Assert.Equal(2, merged.Outcomes["server_error"]);
        Assert.Equal([6L, 10, 4, 0], merged.LatencyCounts);
        Assert.Equal(0.1, merged.ErrorRate!.Value, 12);
        Assert.Null(MonitoringMerge.Merge([none]).Requests);
    }

    [Fact]
    public void Windows_over_different_buckets_do_not_merge()
    {
        var a = Summary("a", Window(new() { ["success"] = 1 }, [1, 0, 0, 0]));
        var b = Summary("b", Window(new() { ["success"] = 1 }, [1, 0, 0, 0]) with { LatencyBounds = [0.002, 0.01, 0.1] });

        var error = Assert.Throws<ArgumentException>(() => MonitoringMerge.Merge([a, b]));
        Assert.Contains("different buckets", error.Message);
    }

    private static RequestWindow Window(Dictionary<string, long> outcomes, long[] counts) => new()
    {
        WindowSeconds = 300,
        Outcomes = outcomes,
        LatencyBounds = Bounds,
        LatencyCounts = counts,
    };

    private static MonitoringSummary Summary(string replica, RequestWindow? requests) => new()
    {
        Namespace = "default",
        Model = "movies",
        Version = "1.0",
        Replicas = [replica],
        Timestamp = DateTimeOffset.UnixEpoch,
        DriftMethod = DriftMethod.Psi,
        WindowCapacity = 10,
        Samples = 0,
        TotalPredictions = 0,
        Features = [],
        Predictions = new DistributionWindow { Bins = ["a"], Counts = [0], Baseline = [1], Samples = 0, Drift = 0 },
        Feedback = new FeedbackWindow { WindowCapacity = 10, Positive = 0, Negative = 0, Labeled = 0, Correct = 0 },
        Requests = requests,
    };
}
