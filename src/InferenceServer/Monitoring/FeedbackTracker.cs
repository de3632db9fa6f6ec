namespace Flywheel.InferenceServer.Monitoring;

/// <summary>What feedback said about one prediction.</summary>
internal enum FeedbackKind : byte
{
    Positive,
    Negative,
    Correct,
    Wrong,
}

/// <summary>Thumbs and labels over the last <c>capacity</c> feedback events.</summary>
internal sealed class FeedbackTracker(int capacity)
{
    private readonly Lock _lock = new();
    private readonly FeedbackKind[] _ring = new FeedbackKind[capacity];
    private readonly long[] _counts = new long[4];
    private int _next;
    private int _filled;

    public int Capacity => capacity;

    public void Add(FeedbackKind kind)
    {
        lock (_lock)
        {
            if (_filled == capacity)
            {
                _counts[(int)_ring[_next]]--;
            }
            else
            {
                _filled++;
            }

            _ring[_next] = kind;
            _counts[(int)kind]++;
            _next = (_next + 1) % capacity;
        }
    }

    public (long Positive, long Negative, long Correct, long Wrong) Snapshot()
    {
        lock (_lock)
        {
            return (_counts[0], _counts[1], _counts[2], _counts[3]);
        }
    }
}
