using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Flywheel.InferenceServer.Protocol;

namespace Flywheel.InferenceServer.Tests.Protocol;

public sealed class ShortestFloatTests
{
    private const uint Lowest = 117u << 23;
    private const uint One = 0x3F80_0000;

    [Fact]
    public void Random_probabilities_are_written_as_the_json_writer_writes_them()
    {
        var random = new Random(11);
        for (var i = 0; i < 200_000; i++)
        {
            AssertSameAsWriter(BitConverter.UInt32BitsToSingle((uint)random.NextInt64(Lowest, One + 1)));
        }
    }

    [Fact]
    public void Powers_of_two_and_their_neighbours_are_written_as_the_json_writer_writes_them()
    {
        // Just above a power of two the gap below is half the gap above: the case an off-by-one would miss.
        for (var exponent = 117u; exponent <= 127; exponent++)
        {
            var power = exponent << 23;
            for (var delta = -3; delta <= 3; delta++)
            {
                var bits = (uint)(power + delta);
                if (bits is >= Lowest and <= One)
                {
                    AssertSameAsWriter(BitConverter.UInt32BitsToSingle(bits));
                }
            }
        }
    }

    [Theory]
    [InlineData(0f, "0")]
    [InlineData(1f, "1")]
    [InlineData(0.5f, "0.5")]
    [InlineData(0.1f, "0.1")]
    [InlineData(0.3333333f, "0.3333333")]
    [InlineData(0.99999994f, "0.99999994")]
    [InlineData(0.0009765625f, "0.0009765625")]
    public void Known_values_are_written_shortest(float value, string expected)
    {
        Span<byte> text = stackalloc byte[ShortestFloat.MaxLength];
        Assert.True(ShortestFloat.TryFormat(value, text, out var length));
        Assert.Equal(expected, Encoding.ASCII.GetString(text[..length]));
        Assert.Equal(value, float.Parse(expected, CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData(-0.5f)]
    [InlineData(-0f)]
    [InlineData(1.5f)]
    [InlineData(0.0009765624f)]
    [InlineData(1e-7f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Values_outside_the_fast_range_are_left_to_the_writer(float value)
    {
        Span<byte> text = stackalloc byte[ShortestFloat.MaxLength];
        Assert.False(ShortestFloat.TryFormat(value, text, out var length));
        Assert.Equal(0, length);
    }

    private static void AssertSameAsWriter(float value)
    {
        var expected = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(expected))
        {
            writer.WriteNumberValue(value);
        }

        Span<byte> text = stackalloc byte[ShortestFloat.MaxLength];
        Assert.True(ShortestFloat.TryFormat(value, text, out var length), $"{value:R} was not formatted");
        if (!text[..length].SequenceEqual(expected.WrittenSpan))
        {
            Assert.Fail($"bits {BitConverter.SingleToUInt32Bits(value):X8}: wrote {Encoding.ASCII.GetString(text[..length])}, the writer {Encoding.ASCII.GetString(expected.WrittenSpan)}");
        }
    }
}
