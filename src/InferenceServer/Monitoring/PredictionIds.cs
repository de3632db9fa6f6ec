using System.Security.Cryptography;

namespace Flywheel.InferenceServer.Monitoring;

/// <summary>
/// Prediction ids unique across replicas and restarts: a random 64-bit prefix drawn at start, then a
/// counter. Cheap enough to give every row one.
/// </summary>
internal sealed class PredictionIds
{
    private readonly string _prefix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
    private long _counter;

    public void Fill(string[] ids, int rows)
    {
        var last = Interlocked.Add(ref _counter, rows);
        var first = last - rows + 1;
        for (var r = 0; r < rows; r++)
        {
            ids[r] = $"{_prefix}-{first + r:x}";
        }
    }
}
