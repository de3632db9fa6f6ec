using Flywheel.Contracts.Monitoring;

namespace Flywheel.InferenceServer.Monitoring;

/// <summary>
/// Requests by outcome and latency over the last few minutes, in time slots: a ring of per-slot counters that
/// are cleared when their slot comes round again. Recording is two interlocked increments, with a lock only
/// when a slot starts; a snapshot sums the slots still inside the window.
/// </summary>
internal sealed class RequestWindowTracker
{
    /// <summary>The window rollout analysis reads, in slots of ten seconds.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMinutes(5);

    private const int Slots = 30;

    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly double[] _bounds;
    private readonly long _ticksPerSlot;
    private readonly int _windowSeconds;
    private readonly long[] _epochs = new long[Slots];
    private readonly long[][] _outcomes;
    private readonly long[][] _latency;

    public RequestWindowTracker(TimeProvider time, double[] latencyBounds, TimeSpan window)
    {
        _time = time;
        _bounds = latencyBounds;
        _windowSeconds = (int)window.TotalSeconds;
        _ticksPerSlot = Math.Max(1, (long)(window.TotalSeconds / Slots * time.TimestampFrequency));
        _outcomes = [.. Enumerable.Range(0, Slots).Select(_ => new long[RequestOutcome.All.Length])];
        _latency = [.. Enumerable.Range(0, Slots).Select(_ => new long[latencyBounds.Length + 1])];
        Array.Fill(_epochs, -1);
    }

    /// <summary>Counts one request; <paramref name="outcome"/> indexes <see cref="RequestOutcome.All"/>.</summary>
    public void Record(int outcome, double seconds)
    {
        var slot = Slot();
        Interlocked.Increment(ref _outcomes[slot][outcome]);
        var bucket = Array.BinarySearch(_bounds, seconds);
        Interlocked.Increment(ref _latency[slot][bucket >= 0 ? bucket : ~bucket]);
    }

    public RequestWindow Snapshot()
    {
        var now = _time.GetTimestamp() / _ticksPerSlot;
        var outcomes = new long[RequestOutcome.All.Length];
        var latency = new long[_bounds.Length + 1];
        lock (_lock)
        {
            for (var s = 0; s < Slots; s++)
            {
                if (_epochs[s] > now - Slots && _epochs[s] <= now)
                {
                    Add(outcomes, _outcomes[s]);
                    Add(latency, _latency[s]);
                }
            }
        }

        return new RequestWindow
        {
            WindowSeconds = _windowSeconds,
            Outcomes = RequestOutcome.All.Select((o, i) => (o, i)).ToDictionary(p => p.o, p => outcomes[p.i], StringComparer.Ordinal),
            LatencyBounds = _bounds,
            LatencyCounts = latency,
        };
    }

    /// <summary>The ring slot of the current time, cleared first if it last held an older slot.</summary>
    private int Slot()
    {
        var epoch = _time.GetTimestamp() / _ticksPerSlot;
        var slot = (int)(epoch % Slots);
        if (Volatile.Read(ref _epochs[slot]) != epoch)
        {
            lock (_lock)
            {
                if (_epochs[slot] != epoch)
                {
                    Array.Clear(_outcomes[slot]);
                    Array.Clear(_latency[slot]);
                    Volatile.Write(ref _epochs[slot], epoch);
                }
            }
        }

        return slot;
    }

    private static void Add(long[] sum, long[] counts)
    {
        for (var i = 0; i < counts.Length; i++)
        {
            sum[i] += Interlocked.Read(ref counts[i]);
        }
    }
}
