using System.Runtime.InteropServices;
using static Flywheel.Trainer.Export.ProtoWire;

namespace Flywheel.InferenceServer.Bench;

/// <summary>
/// The ONNX messages needed to write a small graph by hand, on the trainer's protobuf wire writer.
/// </summary>
internal static class OnnxWriter
{
    public const int FloatType = 1;
    public const int Int64Type = 7;

    /// <summary>ModelProto: IR version 8, default-domain opset 13.</summary>
    public static byte[] Model(byte[] graph) => Message(m =>
    {
        WriteVarintField(m, 1, 8);
        WriteBytes(m, 8, Message(o =>
        {
            WriteString(o, 1, string.Empty);
            WriteVarintField(o, 2, 13);
        }));
        WriteString(m, 2, "flywheel-bench");
        WriteBytes(m, 7, graph);
    });

    /// <summary>GraphProto from its parts, each already encoded.</summary>
    public static byte[] Graph(string name, IEnumerable<byte[]> nodes, IEnumerable<byte[]> initializers, IEnumerable<byte[]> inputs, IEnumerable<byte[]> outputs) => Message(g =>
    {
        foreach (var node in nodes)
        {
            WriteBytes(g, 1, node);
        }

        WriteString(g, 2, name);
        foreach (var tensor in initializers)
        {
            WriteBytes(g, 5, tensor);
        }

        foreach (var input in inputs)
        {
            WriteBytes(g, 11, input);
        }

        foreach (var output in outputs)
        {
            WriteBytes(g, 12, output);
        }
    });

    /// <summary>NodeProto with optional integer attributes.</summary>
    public static byte[] Node(string opType, string[] inputs, string[] outputs, params (string Name, long Value)[] attributes) => Message(n =>
    {
        foreach (var input in inputs)
        {
            WriteString(n, 1, input);
        }

        foreach (var output in outputs)
        {
            WriteString(n, 2, output);
        }

        WriteString(n, 3, outputs[0] + "_node");
        WriteString(n, 4, opType);
        foreach (var (name, value) in attributes)
        {
            WriteBytes(n, 5, Message(a =>
            {
                WriteString(a, 1, name);
                WriteVarintField(a, 3, (ulong)value);
                WriteVarintField(a, 20, 2);
            }));
        }
    });

    /// <summary>A float initializer with raw little-endian data.</summary>
    public static byte[] FloatTensor(string name, long[] dims, float[] values) => Message(t =>
    {
        foreach (var dim in dims)
        {
            WriteVarintField(t, 1, (ulong)dim);
        }

        WriteVarintField(t, 2, FloatType);
        WriteString(t, 8, name);
        WriteBytes(t, 9, MemoryMarshal.AsBytes(values.AsSpan()));
    });

    /// <summary>ValueInfoProto of a tensor; a null dimension is the symbolic batch size.</summary>
    public static byte[] ValueInfo(string name, int elementType, params long?[] dims) => Message(v =>
    {
        WriteString(v, 1, name);
        WriteBytes(v, 2, Message(type => WriteBytes(type, 1, Message(tensor =>
        {
            WriteVarintField(tensor, 1, (ulong)elementType);
            WriteBytes(tensor, 2, Message(shape =>
            {
                foreach (var dim in dims)
                {
                    WriteBytes(shape, 1, Message(d =>
                    {
                        if (dim is { } value)
                        {
                            WriteVarintField(d, 1, (ulong)value);
                        }
                        else
                        {
                            WriteString(d, 2, "batch");
                        }
                    }));
                }
            }));
        }))));
    });
}
