namespace Flywheel.InferenceServer.Monitoring;

/// <summary>
/// Bin counts over the last <c>capacity</c> rows for several distributions at once (one per feature plus
/// the predictions): a ring of bin indices per distribution, with running counts that subtract what leaves.
/// Memory is fixed at start: capacity × distributions × 2 bytes plus the counts.
/// </summary>
internal sealed class SlidingWindow
{
    private readonly Lock _lock = new();
    private readonly ushort[][] _rings;
    private readonly long[][] _counts;
    private readonly int _capacity;
    private int _next;
    private int _filled;

    public SlidingWindow(int capacity, IReadOnlyList<int> binsPerDistribution)
    {
        _capacity = capacity;
        _rings = [.. binsPerDistribution.Select(_ => new ushort[capacity])];
        _counts = [.. binsPerDistribution.Select(bins => new long[bins])];
    }

    public int Capacity => _capacity;

    /// <summary>Adds rows: <paramref name="bins"/>[d][r] is row r's bin in distribution d.</summary>
    public void Add(ushort[][] bins, int rows)
    {
        lock (_lock)
        {
            for (var r = 0; r < rows; r++)
            {
                var slot = _next;
                var full = _filled == _capacity;
                for (var d = 0; d < _rings.Length; d++)
                {
                    var ring = _rings[d];
                    var counts = _counts[d];
                    if (full)
                    {
                        counts[ring[slot]]--;
                    }

                    var bin = bins[d][r];
                    ring[slot] = bin;
                    counts[bin]++;
                }

                _next = slot + 1 == _capacity ? 0 : slot + 1;
                if (!full)
                {
                    _filled++;
                }
            }
        }
    }

    /// <summary>A consistent copy of every distribution's counts and the row count.</summary>
    public (long[][] Counts, int Rows) Snapshot()
    {
        lock (_lock)
        {
            return ([.. _counts.Select(c => (long[])c.Clone())], _filled);
        }
    }
}
