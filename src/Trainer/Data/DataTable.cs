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
internal sealed class DataTable(IReadOnlyList<DataColumn> columns, RowOrigins origins)
{
    public IReadOnlyList<DataColumn> Columns { get; } = columns;

    public RowOrigins Origins { get; } = origins;

    public int RowCount => Origins.Length;

    public DataColumn this[string name] =>
        Columns.FirstOrDefault(c => c.Name == name) ?? throw new KeyNotFoundException($"column '{name}' is not loaded");

    public DataTable Select(IReadOnlyList<int> rows)
    {
        return new DataTable([.. Columns.Select(c => c.Select(rows))], Origins.Select(rows));
    }

    public DataTable Replace(DataColumn column) =>
        new([.. Columns.Select(c => c.Name == column.Name ? column : c)], Origins);
}
