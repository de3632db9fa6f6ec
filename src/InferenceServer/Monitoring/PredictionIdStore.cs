namespace Flywheel.InferenceServer.Monitoring;

/// <summary>
/// Remembers the last <c>capacity</c> predictions by sequence number (the version's monitor and the predicted
/// class, or -1 for regression) so that feedback can be matched; older ids are forgotten and their feedback
/// is answered 404. A ring indexed by sequence number: writers own disjoint slots, so adding takes no lock,
/// and a reader checks the slot's sequence before and after reading it.
/// </summary>
internal sealed class PredictionIdStore(PredictionIds ids, int capacity)
{
    private readonly long[] _sequences = new long[capacity];
    private readonly ModelMonitor?[] _monitors = new ModelMonitor?[capacity];
    private readonly int[] _classes = new int[capacity];

    public int Capacity => capacity;

    public PredictionIds Ids => ids;

    public void Add(ModelMonitor monitor, long first, int[] classes, int rows)
    {
        // The run of slots may wrap around the end of the ring: write it as one or two contiguous pieces.
        var slot = Slot(first);
        var head = Math.Min(rows, capacity - slot);
        Write(monitor, first, classes, 0, slot, head);
        if (head < rows)
        {
            Write(monitor, first + head, classes, head, 0, rows - head);
        }
    }

    public bool TryGet(string id, out (ModelMonitor Monitor, int Class) prediction)
    {
        prediction = default;
        if (!ids.TryParse(id, out var sequence))
        {
            return false;
        }

        var slot = Slot(sequence);
        if (Volatile.Read(ref _sequences[slot]) != sequence)
        {
            return false;
        }

        var monitor = _monitors[slot];
        var predicted = _classes[slot];
        Interlocked.MemoryBarrier();
        if (monitor is null || Volatile.Read(ref _sequences[slot]) != sequence)
        {
            return false;
        }

        prediction = (monitor, predicted);
        return true;
    }

    private int Slot(long sequence) => (int)(sequence % capacity);

    /// <summary>Fills <paramref name="count"/> slots from <paramref name="slot"/> with rows from <paramref name="row"/>.</summary>
    private void Write(ModelMonitor monitor, long firstSequence, int[] classes, int row, int slot, int count)
    {
        // Invalidate the slots first and fence once, so that a reader never pairs a new sequence number with
        // old contents, nor an old one with new contents; then fill them and publish the sequence numbers.
        _sequences.AsSpan(slot, count).Clear();
        Interlocked.MemoryBarrier();
        var monitors = _monitors.AsSpan(slot, count);
        for (var i = 0; i < monitors.Length; i++)
        {
            // The monitor changes only with the version: skip the store (and its GC write barrier) when it is the same.
            if (!ReferenceEquals(monitors[i], monitor))
            {
                monitors[i] = monitor;
            }
        }

        if (classes.Length > 0)
        {
            classes.AsSpan(row, count).CopyTo(_classes.AsSpan(slot, count));
        }
        else
        {
            _classes.AsSpan(slot, count).Fill(-1);
        }

        for (var i = 0; i < count; i++)
        {
            Volatile.Write(ref _sequences[slot + i], firstSequence + i);
        }
    }
}
