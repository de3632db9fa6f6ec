using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Flywheel.InferenceServer.Monitoring;

/// <summary>
/// Prediction ids unique across replicas and restarts: a random 64-bit prefix drawn at start, then a
/// sequence number in hex (<c>3f9a…-1c</c>). A batch reserves a run of sequence numbers and ids are
/// written out only where a response or log names them, so a row costs no string.
/// </summary>
internal sealed class PredictionIds
{
    /// <summary>Room for the longest id: 16 hex digits, '-', 16 hex digits.</summary>
    public const int MaxLength = 33;

    private readonly byte[] _prefix;
    private long _counter;

    public PredictionIds()
        : this(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)))
    {
    }

    internal PredictionIds(string prefix)
    {
        Prefix = prefix;
        _prefix = Encoding.ASCII.GetBytes(prefix + "-");
    }

    public string Prefix { get; }

    /// <summary>Reserves <paramref name="rows"/> sequence numbers; returns the first (sequence numbers start at 1).</summary>
    public long Reserve(int rows) => Interlocked.Add(ref _counter, rows) - rows + 1;

    /// <summary>Writes the UTF-8 id of <paramref name="sequence"/>; returns its length.</summary>
    public int Format(long sequence, Span<byte> destination)
    {
        _prefix.CopyTo(destination);
        Utf8Formatter.TryFormat((ulong)sequence, destination[_prefix.Length..], out var written, new System.Buffers.StandardFormat('x'));
        return _prefix.Length + written;
    }

    public string ToString(long sequence)
    {
        Span<byte> utf8 = stackalloc byte[MaxLength];
        return Encoding.ASCII.GetString(utf8[..Format(sequence, utf8)]);
    }

    /// <summary>The sequence number of an id this instance made; false for another replica's or a malformed id.</summary>
    public bool TryParse(string id, out long sequence)
    {
        sequence = 0;
        var prefix = Prefix.Length;
        if (id.Length <= prefix + 1 || id.Length > MaxLength || id[prefix] != '-' || !id.AsSpan(0, prefix).SequenceEqual(Prefix))
        {
            return false;
        }

        var digits = id.AsSpan(prefix + 1);
        foreach (var c in digits)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return long.TryParse(digits, System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out sequence) && sequence > 0;
    }
}
