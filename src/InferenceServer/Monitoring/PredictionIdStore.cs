namespace Flywheel.InferenceServer.Monitoring;

/// <summary>
/// Remembers the last <c>capacity</c> predictions by id (the version's monitor and the predicted class, or -1 for regression) so
/// that feedback can be matched; older ids are forgotten and their feedback is answered 404.
/// </summary>
internal sealed class PredictionIdStore(int capacity)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (ModelMonitor Monitor, int Class)> _classes = new(capacity, StringComparer.Ordinal);
    private readonly string?[] _ring = new string?[capacity];
    private int _next;

    public int Capacity => capacity;

    public void Add(ModelMonitor monitor, string[] ids, int[] classes, int rows)
    {
        lock (_lock)
        {
            for (var r = 0; r < rows; r++)
            {
                if (_ring[_next] is { } old)
                {
                    _classes.Remove(old);
                }

                _ring[_next] = ids[r];
                _classes[ids[r]] = (monitor, classes.Length > r ? classes[r] : -1);
                _next = (_next + 1) % capacity;
            }
        }
    }

    public bool TryGet(string id, out (ModelMonitor Monitor, int Class) prediction)
    {
        lock (_lock)
        {
            return _classes.TryGetValue(id, out prediction);
        }
    }
}
