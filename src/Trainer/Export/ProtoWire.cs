using System.Text;

namespace Flywheel.Trainer.Export;

/// <summary>One top-level field of a protobuf message, as a span of the message's bytes.</summary>
internal readonly record struct ProtoField(int Number, int WireType, int Start, int End, int ValueStart, int ValueEnd);

/// <summary>
/// The little of the protobuf wire format needed to edit an ONNX graph: split a message into its fields,
/// and write varints, strings, nested messages and packed floats.
/// </summary>
internal static class ProtoWire
{
    public static List<ProtoField> Fields(ReadOnlySpan<byte> message)
    {
        var fields = new List<ProtoField>();
        var position = 0;
        while (position < message.Length)
        {
            var start = position;
            var tag = ReadVarint(message, ref position);
            int number = (int)(tag >> 3), wire = (int)(tag & 7);
            int valueStart = position, valueEnd;
            switch (wire)
            {
                case 0:
                    ReadVarint(message, ref position);
                    valueEnd = position;
                    break;
                case 1:
                    position += 8;
                    valueEnd = position;
                    break;
                case 2:
                    var length = (int)ReadVarint(message, ref position);
                    valueStart = position;
                    position += length;
                    valueEnd = position;
                    break;
                case 5:
                    position += 4;
                    valueEnd = position;
                    break;
                default:
                    throw new InvalidDataException($"unsupported protobuf wire type {wire} at byte {start}");
            }

            fields.Add(new ProtoField(number, wire, start, position, valueStart, valueEnd));
        }

        return fields;
    }

    public static string String(ReadOnlySpan<byte> message, int fieldNumber)
    {
        foreach (var field in Fields(message))
        {
            if (field.Number == fieldNumber && field.WireType == 2)
            {
                return Encoding.UTF8.GetString(message[field.ValueStart..field.ValueEnd]);
            }
        }

        return "";
    }

    public static void WriteString(Stream output, int fieldNumber, string value) => WriteBytes(output, fieldNumber, Encoding.UTF8.GetBytes(value));

    public static void WriteBytes(Stream output, int fieldNumber, ReadOnlySpan<byte> value)
    {
        WriteVarint(output, ((ulong)fieldNumber << 3) | 2);
        WriteVarint(output, (ulong)value.Length);
        output.Write(value);
    }

    public static void WriteVarintField(Stream output, int fieldNumber, ulong value)
    {
        WriteVarint(output, (ulong)fieldNumber << 3);
        WriteVarint(output, value);
    }

    public static void WritePackedFloats(Stream output, int fieldNumber, params float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BitConverter.TryWriteBytes(bytes.AsSpan(i * 4), values[i]);
        }

        WriteBytes(output, fieldNumber, bytes);
    }

    public static byte[] Message(Action<Stream> write)
    {
        using var stream = new MemoryStream();
        write(stream);
        return stream.ToArray();
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
    }

    private static void WriteVarint(Stream output, ulong value)
    {
        while (value >= 0x80)
        {
            output.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        output.WriteByte((byte)value);
    }
}
