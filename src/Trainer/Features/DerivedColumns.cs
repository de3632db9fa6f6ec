using System.Globalization;
using Flywheel.Trainer.Data;
using Flywheel.Trainer.Export;

namespace Flywheel.Trainer.Features;

/// <summary>Adds the derived feature columns to cleaned rows, computed as the graph will compute them.</summary>
internal static class DerivedColumns
{
    public static DataTable Add(DataTable table, IReadOnlyList<DerivedColumn> derived)
    {
        if (derived.Count == 0)
        {
            return table;
        }

        var columns = table.Columns.ToList();
        for (var d = 0; d < derived.Count; d++)
        {
            var inputs = derived[d].Expression.Columns().Distinct().ToDictionary(c => c, c => ((NumericColumn)table[c]).Values, StringComparer.Ordinal);
            var values = new double[table.RowCount];
            for (var row = 0; row < values.Length; row++)
            {
                var value = derived[d].Expression.Evaluate(name => (float)inputs[name][row]);
                if (!float.IsFinite(value))
                {
                    var arguments = string.Join(", ", inputs.Select(i => $"{i.Key}={i.Value[row].ToString("G6", CultureInfo.InvariantCulture)}"));
                    throw new TrainingInputException(
                        $"spec field preprocessing.derived[{d}] '{derived[d].Name}' = {derived[d].Text} is not finite at row {table.Origins[row]} ({arguments}); guard the expression, e.g. add 1 to a divisor, or fix the row");
                }

                values[row] = value;
            }

            columns.Add(new NumericColumn(derived[d].Name, values));
        }

        return new DataTable(columns, table.Origins);
    }
}
