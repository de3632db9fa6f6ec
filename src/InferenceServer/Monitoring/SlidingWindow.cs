using System.Buffers;
using System.Collections.Concurrent;

namespace Flywheel.InferenceServer.Monitoring;

/// <summary>
/// Bin counts over the last <c>capacity</c> rows for several distributions at once (one per feature plus
/// the predictions): a ring of bin indices per distribution, with running counts that subtract what leaves.
/// It also keeps each bin's total since start, which the exported counters are set to before a scrape: counting
/// here, where rows are applied by one thread at a time, keeps the request path off shared counters that two cores
/// would otherwise pass back and forth. Memory is fixed at start: capacity × distributions × 2 bytes plus the counts.
/// </summary>
internal sealed class SlidingWindow
{
    private readonly Lock _lock = new();
    private readonly ConcurrentQueue<(ushort[] Bins, int Rows)> _pending = new();
    private readonly ushort[][] _rings;
    private readonly long[][] _counts;
    private readonly long[][] _totals;
    private readonly int _capacity;
    private int _next;
    private int _filled;

    public SlidingWindow(int capacity, IReadOnlyList<int> binsPerDistribution)
    {
        _capacity = capacity;
        _rings = [.. binsPerDistribution.Select(_ => new ushort[capacity])];
        _counts = [.. binsPerDistribution.Select(bins => new long[bins])];
        _totals = [.. binsPerDistribution.Select(bins => new long[bins])];
    }

    public int Capacity => _capacity;

    /// <summary>Adds rows: <paramref name="bins"/>[d × rows + r] is row r's bin in distribution d.</summary>
    public void Add(ReadOnlySpan<ushort> bins, int rows)
    {
        var owned = ArrayPool<ushort>.Shared.Rent(bins.Length);
        bins.CopyTo(owned);
        AddOwned(owned, rows);
    }

    /// <summary>
    /// Adds rows from a pooled array, which the window returns to the pool. Never waits: when another thread
    /// holds the window, the rows are left for it to apply before it lets go (under load, waiting for the lock
    /// cost more than the counting).
    /// </summary>
    public void AddOwned(ushort[] bins, int rows)
    {
        _pending.Enqueue((bins, rows));
        // Re-check after each release: rows queued while this thread held the lock are applied, not stranded.
        while (!_pending.IsEmpty && _lock.TryEnter())
        {
            try
            {
                Drain();
            }
            finally
            {
                _lock.Exit();
            }
        }
    }

    private void Drain()
    {
        while (_pending.TryDequeue(out var item))
        {
            Apply(item.Bins, item.Rows);
            ArrayPool<ushort>.Shared.Return(item.Bins);
        }
    }

    private void Apply(ReadOnlySpan<ushort> bins, int rows)
    {
        // Distribution by distribution, so that the inner loop walks one ring and one column.
        var start = _next;
        var filled = _filled;
        for (var d = 0; d < _rings.Length; d++)
        {
            var ring = _rings[d];
            var counts = _counts[d];
            var totals = _totals[d];
            var column = bins.Slice(d * rows, rows);
            var slot = start;
            var full = filled;
            for (var r = 0; r < rows; r++)
            {
                if (full == _capacity)
                {
                    counts[ring[slot]]--;
                }
                else
                {
                    full++;
                }

                var bin = column[r];
                ring[slot] = bin;
                counts[bin]++;
                totals[bin]++;
                slot = slot + 1 == _capacity ? 0 : slot + 1;
            }
        }

        _next = (int)((start + (long)rows) % _capacity);
        _filled = (int)Math.Min(_capacity, filled + (long)rows);
    }

    /// <summary>A consistent copy of every distribution's window counts and totals since start, and the window's row count.</summary>
    public WindowSnapshot Snapshot()
    {
        lock (_lock)
        {
            Drain();
            return new WindowSnapshot([.. _counts.Select(c => (long[])c.Clone())], [.. _totals.Select(c => (long[])c.Clone())], _filled);
        }
    }
}

/// <summary>Per distribution: bin counts over the window and bin totals since start; and the rows in the window.</summary>
internal readonly record struct WindowSnapshot(long[][] Counts, long[][] Totals, int Rows);
