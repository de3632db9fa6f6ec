using System.Diagnostics;
using Flywheel.InferenceServer.Hosting;
using Flywheel.InferenceServer.Monitoring;
using Flywheel.InferenceServer.Pipeline;
using Flywheel.InferenceServer.Runtime;
using Flywheel.InferenceServer.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flywheel.InferenceServer.Tests.Runtime;

[Collection(ServerCollection.Name)]
public sealed class DynamicBatcherTests(ModelStore store)
{
    [Fact]
    public async Task A_batch_waits_for_an_expected_request_and_runs_both_together()
    {
        var (batcher, model, metrics) = await CreateAsync();
        using var _ = model;
        batcher.LastBatchTime = TimeSpan.FromSeconds(8);

        batcher.Expect();
        var first = Task.Run(() => batcher.SubmitAsync(model, Rows(model, 1)));
        // The first request's runner waits while the second is expected (up to 2 s here); give it time to start waiting.
        await Task.Delay(100);
        Assert.False(first.IsCompleted);
        var second = await batcher.SubmitAsync(model, Rows(model, 2), expected: true);
        var firstSlice = await first.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Same(firstSlice.Batch, second.Batch);
        Assert.Equal((0, 1), (firstSlice.Offset, firstSlice.Rows));
        Assert.Equal((1, 2), (second.Offset, second.Rows));
        Assert.Equal(1, BatchCount(metrics));
    }

    [Fact]
    public async Task A_lone_request_with_nothing_expected_runs_at_once()
    {
        var (batcher, model, metrics) = await CreateAsync();
        using var _ = model;
        batcher.LastBatchTime = TimeSpan.FromSeconds(8);

        var watch = Stopwatch.StartNew();
        var slice = await batcher.SubmitAsync(model, Rows(model, 1));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"a lone request took {watch.Elapsed}");
        Assert.Equal(1, slice.Rows);
        Assert.Equal(1, BatchCount(metrics));
    }

    [Fact]
    public async Task A_withdrawn_request_stops_the_wait()
    {
        var (batcher, model, _) = await CreateAsync();
        using var __ = model;
        batcher.LastBatchTime = TimeSpan.FromSeconds(40);

        batcher.Expect();
        var first = Task.Run(() => batcher.SubmitAsync(model, Rows(model, 1)));
        await Task.Delay(100);
        batcher.Withdraw();

        var slice = await first.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(1, slice.Rows);
    }

    private async Task<(DynamicBatcher Batcher, ServedModel Model, ServerMetrics Metrics)> CreateAsync()
    {
        var options = new ServerOptions { ModelDirectory = store.BinaryDirectory, ModelName = "movies", ModelVersion = "1.0", ExecutionProvider = ExecutionProviderChoice.Cpu, Monitoring = false };
        var metrics = new ServerMetrics(Prometheus.Metrics.NewCustomRegistry());
        var model = await new ModelLoader(options, metrics, NullLogger.Instance).LoadAsync("1.0", CancellationToken.None);
        var service = new PredictionService(options, metrics, new PredictionIdStore(new PredictionIds(), 100), log: null);
        var batcher = new DynamicBatcher(service, 64, TimeSpan.Zero, 1, metrics.QueueDepth.WithLabels("default", "movies", "1.0"));
        return (batcher, model, metrics);
    }

    private static long BatchCount(ServerMetrics metrics) => metrics.BatchRows.WithLabels("default", "movies", "1.0").Count;

    private static FeatureBatch Rows(ServedModel model, int rows)
    {
        var batch = new FeatureBatch(model.Schema, rows);
        foreach (var feature in model.Schema.Features)
        {
            if (feature.IsNumeric)
            {
                Array.Fill(batch.Numeric[feature.Index]!, 40);
            }
            else
            {
                Array.Fill(batch.Text[feature.Index]!, "drama");
            }
        }

        return batch;
    }
}
