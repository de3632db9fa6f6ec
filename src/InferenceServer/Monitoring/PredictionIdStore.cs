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
        // Invalidate the slots first and fence once, so that a reader never pairs a new sequence number with
        // old contents, nor an old one with new contents; then fill them and publish the sequence numbers.
        for (var r = 0; r < rows; r++)
        {
            Volatile.Write(ref _sequences[Slot(first + r)], 0);
        }

        Interlocked.MemoryBarrier();
        for (var r = 0; r < rows; r++)
        {
            var slot = Slot(first + r);
            _monitors[slot] = monitor;
            _classes[slot] = classes.Length > r ? classes[r] : -1;
        }

        for (var r = 0; r < rows; r++)
        {
            Volatile.Write(ref _sequences[Slot(first + r)], first + r);
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
}
