namespace Flywheel.Trainer.Data;

/// <summary>A loaded column: numbers (NaN = missing) or text (null = missing).</summary>
internal abstract class DataColumn(string name)
{
    public string Name { get; } = name;

    public abstract int Count { get; }

    public abstract bool IsMissing(int row);

    /// <summary>The column restricted to <paramref name="rows"/>, in that order.</summary>
    public abstract DataColumn Select(IReadOnlyList<int> rows);
}

internal sealed class NumericColumn(string name, double[] values) : DataColumn(name)
{
    public double[] Values { get; } = values;

    public override int Count => Values.Length;

    public override bool IsMissing(int row) => double.IsNaN(Values[row]);

    public override DataColumn Select(IReadOnlyList<int> rows)
    {
        var selected = new double[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            selected[i] = Values[rows[i]];
        }

        return new NumericColumn(Name, selected);
    }
}

internal sealed class TextColumn(string name, string?[] values) : DataColumn(name)
{
    public string?[] Values { get; } = values;

    public override int Count => Values.Length;

    public override bool IsMissing(int row) => Values[row] is null;

    public override DataColumn Select(IReadOnlyList<int> rows)
    {
        var selected = new string?[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            selected[i] = Values[rows[i]];
        }

        return new TextColumn(Name, selected);
    }
}

/// <summary>
/// The rows the trainer works on: one column per feature plus the label (as text), and where each row came
/// from (<c>file:line</c>) so that errors can name it.
/// </summary>
internal sealed class DataTable(IReadOnlyList<DataColumn> columns, string[] origins)
{
    public IReadOnlyList<DataColumn> Columns { get; } = columns;

    public string[] Origins { get; } = origins;

    public int RowCount => Origins.Length;

    public DataColumn this[string name] =>
        Columns.FirstOrDefault(c => c.Name == name) ?? throw new KeyNotFoundException($"column '{name}' is not loaded");

    public DataTable Select(IReadOnlyList<int> rows)
    {
        var origins = new string[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            origins[i] = Origins[rows[i]];
        }

        return new DataTable([.. Columns.Select(c => c.Select(rows))], origins);
    }

    public DataTable Replace(DataColumn column) =>
        new([.. Columns.Select(c => c.Name == column.Name ? column : c)], Origins);

    public static DataTable Concat(IReadOnlyList<DataTable> tables)
    {
        if (tables.Count == 1)
        {
            return tables[0];
        }

        var columns = new List<DataColumn>();
        foreach (var first in tables[0].Columns)
        {
            if (first is NumericColumn)
            {
                columns.Add(new NumericColumn(first.Name, [.. tables.SelectMany(t => ((NumericColumn)t[first.Name]).Values)]));
            }
            else
            {
                columns.Add(new TextColumn(first.Name, [.. tables.SelectMany(t => ((TextColumn)t[first.Name]).Values)]));
            }
        }

        return new DataTable(columns, [.. tables.SelectMany(t => t.Origins)]);
    }
}
