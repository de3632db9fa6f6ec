using System.Collections.Concurrent;
using System.Diagnostics;
using Flywheel.InferenceServer.Pipeline;
using Prometheus;

namespace Flywheel.InferenceServer.Runtime;

/// <summary>
/// Dynamic batching in the manner of Triton: concurrent requests are merged into one ONNX Runtime run of at
/// most <c>maxBatchSize</c> rows, and the results are split back. There is no dispatcher thread: a request
/// that finds no batch running runs the queue itself, so a lone request pays no hand-off, and requests that
/// arrive meanwhile wait for the next batch. <c>maxDelay</c> lets a batch wait for more rows.
/// </summary>
internal sealed class DynamicBatcher(PredictionService service, int maxBatchSize, TimeSpan maxDelay, int maxRunners, Gauge.Child queueDepth)
{
    private readonly ConcurrentQueue<WorkItem> _queue = new();
    private int _runners;

    public bool Enabled => maxBatchSize > 1;

    public Task<PredictionSlice> SubmitAsync(ServedModel model, FeatureBatch batch)
    {
        if (!Enabled || batch.Rows >= maxBatchSize)
        {
            return Task.FromResult(new PredictionSlice(service.Process(model, batch), 0, batch.Rows));
        }

        var item = new WorkItem(model, batch);
        _queue.Enqueue(item);
        queueDepth.Inc();
        RunQueue(item);
        return item.Completion.Task;
    }

    /// <summary>Becomes a runner if a slot is free, and runs batches until its own request is done.</summary>
    private void RunQueue(WorkItem? own)
    {
        while (true)
        {
            var runners = Volatile.Read(ref _runners);
            if (runners >= maxRunners)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref _runners, runners + 1, runners) == runners)
            {
                break;
            }
        }

        try
        {
            while ((own is null || !own.Completion.Task.IsCompleted) && TakeBatch() is { Count: > 0 } items)
            {
                RunBatch(items);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _runners);
        }

        // Work that arrived while this runner was finishing must not be stranded.
        if (!_queue.IsEmpty)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static self => self.RunQueue(null), this, preferLocal: false);
        }
    }

    private List<WorkItem> TakeBatch()
    {
        var items = new List<WorkItem>();
        var rows = 0;
        var started = Stopwatch.GetTimestamp();
        ServedModel? model = null;
        while (true)
        {
            if (_queue.TryPeek(out var next))
            {
                // One batch holds one model version and at most maxBatchSize rows.
                if ((model is not null && next.Model != model) || (rows > 0 && rows + next.Batch.Rows > maxBatchSize))
                {
                    break;
                }

                if (_queue.TryDequeue(out var taken))
                {
                    queueDepth.Dec();
                    model ??= taken.Model;
                    items.Add(taken);
                    rows += taken.Batch.Rows;
                    if (rows >= maxBatchSize)
                    {
                        break;
                    }
                }

                continue;
            }

            if (items.Count == 0 || maxDelay <= TimeSpan.Zero || Stopwatch.GetElapsedTime(started) >= maxDelay)
            {
                break;
            }

            Thread.Sleep(1);
        }

        return items;
    }

    private void RunBatch(List<WorkItem> items)
    {
        try
        {
            var model = items[0].Model;
            var merged = FeatureBatch.Concat(model.Schema, [.. items.Select(i => i.Batch)]);
            var predictions = service.Process(model, merged);
            var offset = 0;
            foreach (var item in items)
            {
                item.Completion.TrySetResult(new PredictionSlice(predictions, offset, item.Batch.Rows));
                offset += item.Batch.Rows;
            }
        }
        catch (Exception ex)
        {
            foreach (var item in items)
            {
                item.Completion.TrySetException(ex);
            }
        }
    }

    private sealed class WorkItem(ServedModel model, FeatureBatch batch)
    {
        public ServedModel Model { get; } = model;

        public FeatureBatch Batch { get; } = batch;

        public TaskCompletionSource<PredictionSlice> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
