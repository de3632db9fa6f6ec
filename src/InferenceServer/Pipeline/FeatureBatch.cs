namespace Flywheel.InferenceServer.Pipeline;

/// <summary>
/// Parsed rows in columns, one array per feature: numbers as doubles (NaN when missing), categories as
/// strings (null when missing). Columns are what ONNX Runtime is fed, so no row objects are built.
/// </summary>
internal sealed class FeatureBatch
{
    public FeatureBatch(ModelSchema schema, int rows)
    {
        Rows = rows;
        Numeric = new double[]?[schema.Features.Count];
        Text = new string?[]?[schema.Features.Count];
        foreach (var feature in schema.Features)
        {
            if (feature.IsNumeric)
            {
                Numeric[feature.Index] = new double[rows];
            }
            else
            {
                Text[feature.Index] = new string?[rows];
            }
        }
    }

    public int Rows { get; }

    public double[]?[] Numeric { get; }

    public string?[]?[] Text { get; }

    /// <summary>Joins the rows of several requests into one batch, in order.</summary>
    public static FeatureBatch Concat(ModelSchema schema, IReadOnlyList<FeatureBatch> parts)
    {
        if (parts.Count == 1)
        {
            return parts[0];
        }

        var rows = 0;
        foreach (var part in parts)
        {
            rows += part.Rows;
        }

        var merged = new FeatureBatch(schema, rows);
        var offset = 0;
        foreach (var part in parts)
        {
            for (var f = 0; f < schema.Features.Count; f++)
            {
                if (part.Numeric[f] is { } numbers)
                {
                    Array.Copy(numbers, 0, merged.Numeric[f]!, offset, part.Rows);
                }
                else
                {
                    Array.Copy(part.Text[f]!, 0, merged.Text[f]!, offset, part.Rows);
                }
            }

            offset += part.Rows;
        }

        return merged;
    }
}
