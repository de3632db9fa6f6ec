using System.Collections.Concurrent;
using System.Diagnostics;
using Flywheel.InferenceServer.Pipeline;
using Prometheus;

namespace Flywheel.InferenceServer.Runtime;

/// <summary>
/// Dynamic batching in the manner of Triton: concurrent requests are merged into one ONNX Runtime run of at
/// most <c>maxBatchSize</c> rows, and the results are split back. There is no dispatcher thread: a request
/// that finds no batch running runs the queue itself, so a lone request pays no hand-off, and requests that
/// arrive meanwhile wait for the next batch. <c>maxDelay</c> lets a batch wait for more rows. Without it, a
/// batch still waits briefly while requests announced with <see cref="Expect"/> are being read and parsed (at
/// most a quarter of the last batch's run time), so that under load batches grow instead of running the
/// first request alone; with nothing on its way, a lone request never waits.
/// </summary>
internal sealed class DynamicBatcher(PredictionService service, int maxBatchSize, TimeSpan maxDelay, int maxRunners, Gauge.Child queueDepth)
{
    private readonly ConcurrentQueue<WorkItem> _queue = new();
    private readonly ManualResetEventSlim _arrival = new(initialState: false, spinCount: 0);
    private int _runners;
    private int _expected;
    private long _lastBatchTicks;

    public bool Enabled => maxBatchSize > 1;

    /// <summary>How long the last merged batch ran; a batch waits for expected requests a quarter of it.</summary>
    internal TimeSpan LastBatchTime
    {
        get => TimeSpan.FromTicks(Volatile.Read(ref _lastBatchTicks));
        set => Volatile.Write(ref _lastBatchTicks, value.Ticks);
    }

    /// <summary>A request is being read and will be submitted (pass <c>expected: true</c>) or withdrawn.</summary>
    public void Expect() => Interlocked.Increment(ref _expected);

    /// <summary>An expected request will not be submitted after all.</summary>
    public void Withdraw()
    {
        Interlocked.Decrement(ref _expected);
        _arrival.Set();
    }

    public Task<PredictionSlice> SubmitAsync(ServedModel model, FeatureBatch batch, bool expected = false)
    {
        if (!Enabled || batch.Rows >= maxBatchSize)
        {
            if (expected)
            {
                Withdraw();
            }

            return Task.FromResult(new PredictionSlice(service.Process(model, batch), 0, batch.Rows));
        }

        var item = new WorkItem(model, batch);
        _queue.Enqueue(item);
        queueDepth.Inc();
        if (expected)
        {
            // Only now that it is queued, so that a waiting batch never sees it neither expected nor queued.
            Interlocked.Decrement(ref _expected);
        }

        _arrival.Set();

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

            if (items.Count == 0)
            {
                break;
            }

            var waited = Stopwatch.GetElapsedTime(started);
            if (maxDelay > TimeSpan.Zero && waited < maxDelay)
            {
                Thread.Sleep(1);
            }
            else if (Volatile.Read(ref _expected) > 0 && waited.Ticks < Volatile.Read(ref _lastBatchTicks) / 4)
            {
                // Requests are being parsed and a batch is dear: let them in rather than run a partial batch.
                // Blocking, not spinning, leaves the core to the threads that parse them.
                _arrival.Reset();
                if (_queue.IsEmpty && Volatile.Read(ref _expected) > 0)
                {
                    _arrival.Wait(TimeSpan.FromTicks(Math.Max(1, (Volatile.Read(ref _lastBatchTicks) / 4) - waited.Ticks)));
                }
            }
            else
            {
                break;
            }
        }

        return items;
    }

    private void RunBatch(List<WorkItem> items)
    {
        try
        {
            var model = items[0].Model;
            var merged = FeatureBatch.Concat(model.Schema, [.. items.Select(i => i.Batch)]);
            var started = Stopwatch.GetTimestamp();
            var predictions = service.Process(model, merged);
            Volatile.Write(ref _lastBatchTicks, Stopwatch.GetElapsedTime(started).Ticks);
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
