using System.Globalization;
using Flywheel.Trainer.Data;

namespace Flywheel.Trainer.Features;

/// <summary>What cleaning did: rows dropped, cells filled per column, and the fill values.</summary>
internal sealed record CleaningReport(
    int RowsIn,
    int RowsDropped,
    int LabelsMissing,
    IReadOnlyDictionary<string, int> Filled,
    IReadOnlyDictionary<string, string> ImputeValues);

/// <summary>Drops or imputes missing values as <c>preprocessing.missing</c> says; a row without a label is always dropped.</summary>
internal static class Cleaner
{
    public const string Drop = "drop";
    public const string ImputeMean = "imputeMean";
    public const string ImputeMode = "imputeMode";

    public static (DataTable Table, CleaningReport Report) Clean(DataTable table, IReadOnlyList<FeatureInfo> features, string labelColumn, string missing)
    {
        foreach (var column in table.Columns)
        {
            if (Enumerable.Range(0, column.Count).All(column.IsMissing))
            {
                var fix = column.Name == labelColumn ? "fix data.labelColumn or the data" : "fill the column or remove it from data.features";
                throw new TrainingInputException($"column '{column.Name}' has no values in any of its {column.Count} rows; {fix}");
            }
        }

        var label = table[labelColumn];
        var keep = new List<int>(table.RowCount);
        var labelsMissing = 0;
        for (var row = 0; row < table.RowCount; row++)
        {
            if (label.IsMissing(row))
            {
                labelsMissing++;
            }
            else if (missing != Drop || features.All(f => !table[f.Name].IsMissing(row)))
            {
                keep.Add(row);
            }
        }

        var cleaned = keep.Count == table.RowCount ? table : table.Select(keep);
        var filled = new Dictionary<string, int>(StringComparer.Ordinal);
        var imputeValues = new Dictionary<string, string>(StringComparer.Ordinal);
        if (missing != Drop)
        {
            foreach (var feature in features)
            {
                var (column, count, value) = Impute(cleaned[feature.Name], missing);
                if (value is not null)
                {
                    imputeValues[feature.Name] = value;
                }

                if (count > 0)
                {
                    filled[feature.Name] = count;
                    cleaned = cleaned.Replace(column);
                }
            }
        }

        if (cleaned.RowCount == 0)
        {
            throw new TrainingInputException(
                $"no rows are left after dropping rows with missing values ({table.RowCount} rows in); set preprocessing.missing to imputeMean or imputeMode, or fix the data");
        }

        return (cleaned, new CleaningReport(table.RowCount, table.RowCount - cleaned.RowCount, labelsMissing, filled, imputeValues));
    }

    private static (DataColumn Column, int Filled, string? Value) Impute(DataColumn column, string missing)
    {
        if (column is NumericColumn numeric)
        {
            var present = numeric.Values.Where(v => !double.IsNaN(v)).ToArray();
            var fill = missing == ImputeMean
                ? present.Average()
                : double.Parse(Mode(present.Select(v => v.ToString("R", CultureInfo.InvariantCulture)), s => s)!, CultureInfo.InvariantCulture);
            var count = numeric.Values.Length - present.Length;
            var values = count == 0 ? numeric.Values : [.. numeric.Values.Select(v => double.IsNaN(v) ? fill : v)];
            return (new NumericColumn(column.Name, values), count, fill.ToString("R", CultureInfo.InvariantCulture));
        }

        // The mean of a category does not exist: both impute modes use the most frequent value for text.
        var text = (TextColumn)column;
        var mode = Mode(text.Values.Where(v => v is not null)!, s => s!)!;
        var missingCount = text.Values.Count(v => v is null);
        return (missingCount == 0 ? text : new TextColumn(column.Name, [.. text.Values.Select(v => v ?? mode)]), missingCount, mode);
    }

    /// <summary>The most frequent value; ties go to the ordinally smallest so the result does not depend on row order.</summary>
    private static string? Mode<T>(IEnumerable<T> values, Func<T, string> key) =>
        values.GroupBy(key, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count())
            .ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Key)
            .FirstOrDefault();
}
