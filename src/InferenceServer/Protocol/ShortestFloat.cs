namespace Flywheel.InferenceServer.Protocol;

/// <summary>
/// The shortest decimal that reads back as the same <see cref="float"/>, for the values a response is mostly
/// made of: probabilities in [2⁻¹⁰, 1], plus 0 and 1. Exact integer arithmetic, no division and no string;
/// the same text <see cref="System.Text.Json.Utf8JsonWriter"/> writes, about four times faster. Other values
/// are left to the writer.
/// </summary>
internal static class ShortestFloat
{
    /// <summary>Room for the longest text written: "0." and 12 decimals.</summary>
    public const int MaxLength = 14;

    private const int MaxDecimals = 12;

    private static readonly ulong[] PowersOfTen = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000, 10_000_000_000, 100_000_000_000, 1_000_000_000_000];

    /// <summary>
    /// Writes <paramref name="value"/> as the shortest decimal that rounds back to it (the closest such
    /// decimal); false, writing nothing, when the value is outside [2⁻¹⁰, 1] and not 0.
    /// </summary>
    public static bool TryFormat(float value, Span<byte> destination, out int written)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        written = 0;
        if (bits == 0)
        {
            destination[0] = (byte)'0';
            written = 1;
            return true;
        }

        if (bits == 0x3F80_0000)
        {
            destination[0] = (byte)'1';
            written = 1;
            return true;
        }

        var exponent = (int)(bits >> 23);
        if (exponent is < 117 or > 126)
        {
            // Negative, below 2⁻¹⁰, at or above 1 (not 1 itself), infinite or NaN.
            return false;
        }

        // value = m / 2^s exactly, with a 24-bit m and s in [24, 33].
        var fraction = bits & 0x7F_FFFF;
        ulong m = fraction | 0x80_0000;
        var s = 150 - exponent;

        // The values that round to this float, in units of 2^-(s+2): (low, high), both ends included when m is
        // even (ties round to even). Just above a power of two the gap below is half the gap above.
        var low = (UInt128)((4 * m) - (fraction == 0 ? 1UL : 2UL));
        var high = (UInt128)((4 * m) + 2);
        var inclusive = (m & 1) == 0;
        var mask = (1UL << s) - 1;
        var half = 1UL << (s - 1);
        for (var k = 1; k <= MaxDecimals; k++)
        {
            // The closest decimal with k places: d / 10^k, rounded half to even. m × 10^k < 2^24 × 10^12 < 2^64.
            var scaled = m * PowersOfTen[k];
            var d = scaled >> s;
            var rest = scaled & mask;
            if (rest > half || (rest == half && (d & 1) == 1))
            {
                d++;
            }

            // d / 10^k lies in the interval iff low × 10^k ≤ d × 2^(s+2) ≤ high × 10^k (strictly when not inclusive).
            var candidate = (UInt128)d << (s + 2);
            var lower = low * PowersOfTen[k];
            var upper = high * PowersOfTen[k];
            var inside = inclusive ? candidate >= lower && candidate <= upper : candidate > lower && candidate < upper;
            if (inside)
            {
                written = Write(d, k, destination);
                return true;
            }
        }

        return false;
    }

    /// <summary>Writes d / 10^k (d ≤ 10^k) without trailing zeros.</summary>
    private static int Write(ulong d, int k, Span<byte> destination)
    {
        while (k > 0 && d % 10 == 0)
        {
            d /= 10;
            k--;
        }

        if (d == PowersOfTen[k])
        {
            destination[0] = (byte)'1';
            return 1;
        }

        destination[0] = (byte)'0';
        destination[1] = (byte)'.';
        var end = 2 + k;
        for (var i = end - 1; i >= 2; i--)
        {
            destination[i] = (byte)('0' + (d % 10));
            d /= 10;
        }

        return end;
    }
}
