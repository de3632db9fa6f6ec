using System.Globalization;
using Microsoft.ML.OnnxRuntime;

namespace Flywheel.InferenceServer.Pipeline;

/// <summary>Turns a <see cref="FeatureBatch"/> into the graph's <c>[batch, 1]</c> input tensors.</summary>
internal static class TensorFeeder
{
    public static OrtValue[] Feed(ModelSchema schema, FeatureBatch batch)
    {
        var values = new OrtValue[schema.Inputs.Count];
        try
        {
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = Create(schema.Inputs[i], batch);
            }

            return values;
        }
        catch
        {
            foreach (var value in values)
            {
                value?.Dispose();
            }

            throw;
        }
    }

    private static OrtValue Create(GraphInput input, FeatureBatch batch)
    {
        var rows = batch.Rows;
        long[] shape = [rows, 1];
        var numbers = input.FeatureIndex >= 0 ? batch.Numeric[input.FeatureIndex] : null;
        var text = input.FeatureIndex >= 0 ? batch.Text[input.FeatureIndex] : null;
        switch (input.ElementType)
        {
            case GraphElementType.Float:
                {
                    var data = new float[rows];
                    var fill = numbers is null ? ParseFill(input) : 0;
                    for (var r = 0; r < rows; r++)
                    {
                        data[r] = numbers is null ? (float)fill : (float)numbers[r];
                    }

                    return OrtValue.CreateTensorValueFromMemory(data, shape);
                }

            case GraphElementType.Double:
                {
                    var data = numbers is null ? Enumerable.Repeat(ParseFill(input), rows).ToArray() : (double[])numbers.Clone();
                    return OrtValue.CreateTensorValueFromMemory(data, shape);
                }

            case GraphElementType.Int64:
                {
                    var data = new long[rows];
                    var fill = numbers is null ? (long)ParseFill(input) : 0;
                    for (var r = 0; r < rows; r++)
                    {
                        data[r] = numbers is null ? fill : double.IsNaN(numbers[r]) ? 0 : (long)numbers[r];
                    }

                    return OrtValue.CreateTensorValueFromMemory(data, shape);
                }

            case GraphElementType.Bool:
                {
                    var data = new bool[rows];
                    var fill = numbers is null && bool.TryParse(input.Fill, out var b) && b;
                    for (var r = 0; r < rows; r++)
                    {
                        data[r] = numbers is null ? fill : numbers[r] != 0 && !double.IsNaN(numbers[r]);
                    }

                    return OrtValue.CreateTensorValueFromMemory(data, shape);
                }

            default:
                {
                    var value = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, shape);
                    for (var r = 0; r < rows; r++)
                    {
                        var s = text is not null ? text[r] ?? string.Empty
                            : numbers is not null ? numbers[r].ToString(CultureInfo.InvariantCulture)
                            : input.Fill ?? string.Empty;
                        value.StringTensorSetElementAt(s.AsSpan(), r);
                    }

                    return value;
                }
        }
    }

    private static double ParseFill(GraphInput input) =>
        double.TryParse(input.Fill, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value
        : bool.TryParse(input.Fill, out var b) ? (b ? 1 : 0) : 0;
}
