namespace Flywheel.Operator.Runtime.Queue;

/// <summary>
/// A de-duplicating work queue with the semantics of client-go's workqueue: an item waiting in the queue
/// is held once however often it is added; an item being processed is never handed to a second worker —
/// adds during processing mark it dirty and it is queued again when <see cref="Done"/> is called.
/// Delayed adds (<see cref="AddAfter"/>) keep the earliest due time per item and run on the injected clock.
/// </summary>
public sealed class WorkQueue<T> : IDisposable where T : notnull
{
    private readonly Lock _lock = new();
    private readonly Queue<T> _queue = new();
    private readonly HashSet<T> _dirty = [];
    private readonly HashSet<T> _processing = [];
    private readonly Dictionary<T, (DateTimeOffset Due, ITimer Timer)> _waiting = [];
    private readonly SemaphoreSlim _available = new(0);
    private readonly TimeProvider _time;
    private bool _shuttingDown;

    public WorkQueue(TimeProvider time, ExponentialBackoff<T>? backoff = null)
    {
        _time = time;
        Backoff = backoff ?? ExponentialBackoff<T>.Default();
    }

    public ExponentialBackoff<T> Backoff { get; }

    /// <summary>Items ready to be handed to a worker (not those waiting on a delay or being processed).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Items waiting on a delay (a backoff or a planned re-check).</summary>
    public int WaitingCount
    {
        get
        {
            lock (_lock)
            {
                return _waiting.Count;
            }
        }
    }

    public bool IsProcessing(T item)
    {
        lock (_lock)
        {
            return _processing.Contains(item);
        }
    }

    public void Add(T item)
    {
        lock (_lock)
        {
            if (_shuttingDown || !_dirty.Add(item))
            {
                return;
            }

            // An item being processed is queued again by Done, so one key never runs on two workers at once.
            if (_processing.Contains(item))
            {
                return;
            }

            _queue.Enqueue(item);
        }

        _available.Release();
    }

    /// <summary>Adds <paramref name="item"/> once <paramref name="delay"/> has passed; an earlier pending due time wins.</summary>
    public void AddAfter(T item, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(item);
            return;
        }

        lock (_lock)
        {
            if (_shuttingDown)
            {
                return;
            }

            var due = _time.GetUtcNow() + delay;
            if (_waiting.TryGetValue(item, out var pending))
            {
                if (pending.Due <= due)
                {
                    return;
                }

                pending.Timer.Dispose();
            }

            var timer = _time.CreateTimer(_ => Fire(item, due), null, delay, Timeout.InfiniteTimeSpan);
            _waiting[item] = (due, timer);
        }
    }

    /// <summary>Adds <paramref name="item"/> after its per-item exponential backoff.</summary>
    public TimeSpan AddRateLimited(T item)
    {
        var delay = Backoff.NextDelay(item);
        AddAfter(item, delay);
        return delay;
    }

    /// <summary>Clears the backoff of <paramref name="item"/> (call on success or when giving up).</summary>
    public void Forget(T item) => Backoff.Reset(item);

    /// <summary>Waits for the next item; the caller must call <see cref="Done"/> with it when finished.</summary>
    /// <returns>The item, or <c>default</c> with <c>false</c> once the queue is shut down.</returns>
    public async ValueTask<(bool Ok, T Item)> GetAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await _available.WaitAsync(cancellationToken).ConfigureAwait(false);
            lock (_lock)
            {
                if (_queue.Count == 0)
                {
                    if (_shuttingDown)
                    {
                        // Wake the next waiter too, so every worker sees the shutdown.
                        _available.Release();
                        return (false, default!);
                    }

                    continue;
                }

                var item = _queue.Dequeue();
                _dirty.Remove(item);
                _processing.Add(item);
                return (true, item);
            }
        }
    }

    public void Done(T item)
    {
        var requeued = false;
        lock (_lock)
        {
            _processing.Remove(item);
            if (_dirty.Contains(item) && !_shuttingDown)
            {
                _queue.Enqueue(item);
                requeued = true;
            }
        }

        if (requeued)
        {
            _available.Release();
        }
    }

    /// <summary>Stops accepting items and releases every waiting worker.</summary>
    public void ShutDown()
    {
        lock (_lock)
        {
            if (_shuttingDown)
            {
                return;
            }

            _shuttingDown = true;
            _queue.Clear();
            _dirty.Clear();
            foreach (var (_, timer) in _waiting.Values)
            {
                timer.Dispose();
            }

            _waiting.Clear();
        }

        _available.Release();
    }

    public void Dispose()
    {
        ShutDown();
        _available.Dispose();
    }

    private void Fire(T item, DateTimeOffset due)
    {
        lock (_lock)
        {
            // A timer replaced by an earlier one may still fire; only the current one counts.
            if (!_waiting.TryGetValue(item, out var pending) || pending.Due != due)
            {
                return;
            }

            _waiting.Remove(item);
            pending.Timer.Dispose();
        }

        Add(item);
    }
}
