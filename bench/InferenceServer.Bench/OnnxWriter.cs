using System.Runtime.InteropServices;
using System.Text;

namespace Flywheel.InferenceServer.Bench;

/// <summary>
/// The little of the protobuf wire format and the ONNX messages needed to write a small graph by hand
/// (the same approach as the trainer's export code, copied rather than referenced).
/// </summary>
internal static class OnnxWriter
{
    public const int FloatType = 1;
    public const int Int64Type = 7;

    /// <summary>ModelProto: IR version 8, default-domain opset 13.</summary>
    public static byte[] Model(byte[] graph) => Message(m =>
    {
        Varint(m, 1, 8);
        Bytes(m, 8, Message(o =>
        {
            String(o, 1, string.Empty);
            Varint(o, 2, 13);
        }));
        String(m, 2, "flywheel-bench");
        Bytes(m, 7, graph);
    });

    /// <summary>GraphProto from its parts, each already encoded.</summary>
    public static byte[] Graph(string name, IEnumerable<byte[]> nodes, IEnumerable<byte[]> initializers, IEnumerable<byte[]> inputs, IEnumerable<byte[]> outputs) => Message(g =>
    {
        foreach (var node in nodes)
        {
            Bytes(g, 1, node);
        }

        String(g, 2, name);
        foreach (var tensor in initializers)
        {
            Bytes(g, 5, tensor);
        }

        foreach (var input in inputs)
        {
            Bytes(g, 11, input);
        }

        foreach (var output in outputs)
        {
            Bytes(g, 12, output);
        }
    });

    /// <summary>NodeProto with optional integer attributes.</summary>
    public static byte[] Node(string opType, string[] inputs, string[] outputs, params (string Name, long Value)[] attributes) => Message(n =>
    {
        foreach (var input in inputs)
        {
            String(n, 1, input);
        }

        foreach (var output in outputs)
        {
            String(n, 2, output);
        }

        String(n, 3, outputs[0] + "_node");
        String(n, 4, opType);
        foreach (var (name, value) in attributes)
        {
            Bytes(n, 5, Message(a =>
            {
                String(a, 1, name);
                Varint(a, 3, (ulong)value);
                Varint(a, 20, 2);
            }));
        }
    });

    /// <summary>A float initializer with raw little-endian data.</summary>
    public static byte[] FloatTensor(string name, long[] dims, float[] values) => Message(t =>
    {
        foreach (var dim in dims)
        {
            Varint(t, 1, (ulong)dim);
        }

        Varint(t, 2, FloatType);
        String(t, 8, name);
        Bytes(t, 9, MemoryMarshal.AsBytes(values.AsSpan()));
    });

    /// <summary>ValueInfoProto of a tensor; a null dimension is the symbolic batch size.</summary>
    public static byte[] ValueInfo(string name, int elementType, params long?[] dims) => Message(v =>
    {
        String(v, 1, name);
        Bytes(v, 2, Message(type => Bytes(type, 1, Message(tensor =>
        {
            Varint(tensor, 1, (ulong)elementType);
            Bytes(tensor, 2, Message(shape =>
            {
                foreach (var dim in dims)
                {
                    Bytes(shape, 1, Message(d =>
                    {
                        if (dim is { } value)
                        {
                            Varint(d, 1, (ulong)value);
                        }
                        else
                        {
                            String(d, 2, "batch");
                        }
                    }));
                }
            }));
        }))));
    });

    private static byte[] Message(Action<Stream> write)
    {
        using var stream = new MemoryStream();
        write(stream);
        return stream.ToArray();
    }

    private static void String(Stream output, int field, string value) => Bytes(output, field, Encoding.UTF8.GetBytes(value));

    private static void Bytes(Stream output, int field, ReadOnlySpan<byte> value)
    {
        WriteVarint(output, ((ulong)field << 3) | 2);
        WriteVarint(output, (ulong)value.Length);
        output.Write(value);
    }

    private static void Varint(Stream output, int field, ulong value)
    {
        WriteVarint(output, (ulong)field << 3);
        WriteVarint(output, value);
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
