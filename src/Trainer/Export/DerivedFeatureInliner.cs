using Flywheel.Trainer.Features;

namespace Flywheel.Trainer.Export;

/// <summary>A derived feature: its column name and parsed expression.</summary>
internal sealed record DerivedColumn(string Name, string Text, DerivedExpression Expression);

/// <summary>
/// Moves derived features into the graph. ML.NET sees a derived feature as one more input column; this
/// rewrites the exported ONNX model so that the column is computed from the other inputs by Add/Sub/Mul/
/// Div/Neg/Log/Sqrt/Abs/Exp nodes in front of the graph, and is no longer an input the server must feed.
/// </summary>
internal static class DerivedFeatureInliner
{
    private const int ModelGraph = 7;
    private const int GraphNode = 1;
    private const int GraphInput = 11;
    private const int ValueInfoName = 1;

    public static byte[] Inline(byte[] model, IReadOnlyList<DerivedColumn> derived)
    {
        if (derived.Count == 0)
        {
            return model;
        }

        var names = derived.Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
        return ProtoWire.Message(output =>
        {
            foreach (var field in ProtoWire.Fields(model))
            {
                if (field.Number == ModelGraph && field.WireType == 2)
                {
                    ProtoWire.WriteBytes(output, ModelGraph, EditGraph(model.AsSpan(field.ValueStart, field.ValueEnd - field.ValueStart), derived, names));
                }
                else
                {
                    output.Write(model, field.Start, field.End - field.Start);
                }
            }
        });
    }

    private static byte[] EditGraph(ReadOnlySpan<byte> graph, IReadOnlyList<DerivedColumn> derived, HashSet<string> names)
    {
        var nodes = new List<byte[]>();
        foreach (var column in derived)
        {
            var counter = 0;
            Emit(column.Expression, column.Name, column.Name, nodes, ref counter);
        }

        using var output = new MemoryStream();
        var fields = ProtoWire.Fields(graph);
        var nodesWritten = false;
        foreach (var field in fields)
        {
            if (field.Number == GraphNode && !nodesWritten)
            {
                // Derived nodes first: ONNX wants nodes in topological order.
                foreach (var node in nodes)
                {
                    ProtoWire.WriteBytes(output, GraphNode, node);
                }

                nodesWritten = true;
            }

            if (field.Number == GraphInput && names.Contains(ProtoWire.String(graph[field.ValueStart..field.ValueEnd], ValueInfoName)))
            {
                continue;
            }

            output.Write(graph[field.Start..field.End]);
        }

        return output.ToArray();
    }

    /// <summary>Appends the nodes computing <paramref name="expression"/> into the tensor <paramref name="output"/>.</summary>
    private static void Emit(DerivedExpression expression, string output, string prefix, List<byte[]> nodes, ref int counter)
    {
        string Temp(ref int c) => $"{prefix}__derived_{c++}";
        switch (expression)
        {
            case DerivedExpression.Number number:
                nodes.Add(Constant(output, number.Value));
                break;
            case DerivedExpression.Column column:
                nodes.Add(Node("Identity", [column.Name], output));
                break;
            case DerivedExpression.Unary unary:
                var operand = Temp(ref counter);
                Emit(unary.Operand, operand, prefix, nodes, ref counter);
                var op = unary.Operation switch { "neg" => "Neg", "log" => "Log", "sqrt" => "Sqrt", "abs" => "Abs", _ => "Exp" };
                nodes.Add(Node(op, [operand], output));
                break;
            case DerivedExpression.Binary binary:
                var left = Temp(ref counter);
                var right = Temp(ref counter);
                Emit(binary.Left, left, prefix, nodes, ref counter);
                Emit(binary.Right, right, prefix, nodes, ref counter);
                var name = binary.Operator switch { '+' => "Add", '-' => "Sub", '*' => "Mul", _ => "Div" };
                nodes.Add(Node(name, [left, right], output));
                break;
        }
    }

    private static byte[] Node(string opType, string[] inputs, string output, byte[]? attribute = null) => ProtoWire.Message(node =>
    {
        foreach (var input in inputs)
        {
            ProtoWire.WriteString(node, 1, input);
        }

        ProtoWire.WriteString(node, 2, output);
        ProtoWire.WriteString(node, 3, output + "__node");
        ProtoWire.WriteString(node, 4, opType);
        if (attribute is not null)
        {
            ProtoWire.WriteBytes(node, 5, attribute);
        }
    });

    /// <summary>A Constant node holding a float tensor of shape [1, 1], which broadcasts against [batch, 1].</summary>
    private static byte[] Constant(string output, float value)
    {
        var tensor = ProtoWire.Message(t =>
        {
            ProtoWire.WriteVarintField(t, 1, 1); // dims
            ProtoWire.WriteVarintField(t, 1, 1);
            ProtoWire.WriteVarintField(t, 2, 1); // data_type FLOAT
            ProtoWire.WritePackedFloats(t, 4, value);
        });
        var attribute = ProtoWire.Message(a =>
        {
            ProtoWire.WriteString(a, 1, "value");
            ProtoWire.WriteBytes(a, 5, tensor);
            ProtoWire.WriteVarintField(a, 20, 4); // AttributeType TENSOR
        });
        return Node("Constant", [], output, attribute);
    }
}
