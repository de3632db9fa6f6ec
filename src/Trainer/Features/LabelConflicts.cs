using System.Globalization;
using System.Text;
using Flywheel.Trainer.Data;

namespace Flywheel.Trainer.Features;

/// <summary>Identical feature rows that disagree on the label, and how they were resolved.</summary>
internal sealed record ConflictReport(int Groups, int Rows, double Rate, IReadOnlyList<string> Examples, string Policy, int Relabelled, int Dropped);

/// <summary>
/// Finds identical feature rows with different labels (the annotators disagree) and resolves them by
/// majority vote, by dropping the group, or by failing when the conflict rate exceeds <c>maxRate</c>.
/// </summary>
internal static class LabelConflicts
{
    public const string Majority = "majority";
    public const string DropPolicy = "drop";
    public const string Fail = "fail";

    public static (DataTable Table, ConflictReport Report) Resolve(
        DataTable table, IReadOnlyList<FeatureInfo> features, string labelColumn, string policy, double? maxRate)
    {
        var label = (TextColumn)table[labelColumn];
        var groups = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var key = new StringBuilder();
        var columns = features.Select(f => table[f.Name]).ToArray();
        for (var row = 0; row < table.RowCount; row++)
        {
            key.Clear();
            foreach (var column in columns)
            {
                key.Append(column is NumericColumn n ? n.Values[row].ToString("R", CultureInfo.InvariantCulture) : ((TextColumn)column).Values[row]).Append('\u001f');
            }

            var k = key.ToString();
            if (!groups.TryGetValue(k, out var rows))
            {
                groups[k] = rows = [];
            }

            rows.Add(row);
        }

        var conflicting = groups
            .Where(g => g.Value.Select(r => label.Values[r]).Distinct(StringComparer.Ordinal).Skip(1).Any())
            .ToList();
        var conflictRows = conflicting.Sum(g => g.Value.Count);
        var rate = table.RowCount == 0 ? 0 : (double)conflictRows / table.RowCount;
        var examples = conflicting.Take(5).Select(g => Describe(g.Value, columns, label, table)).ToList();
        var limit = maxRate ?? (policy == Fail ? 0 : 1);
        if (rate > limit)
        {
            throw new TrainingInputException(
                $"label conflicts: {conflictRows} of {table.RowCount} rows ({Percent(rate)}) in {conflicting.Count} groups of identical features disagree on '{labelColumn}', above training.labelConflicts.maxRate {Percent(limit)}; " +
                $"examples: {string.Join("; ", examples)}. Fix the labels, or set training.labelConflicts.policy to majority or drop with a higher maxRate");
        }

        if (conflicting.Count == 0 || policy == Fail)
        {
            return (table, new ConflictReport(conflicting.Count, conflictRows, rate, examples, policy, 0, 0));
        }

        if (policy == DropPolicy)
        {
            var dropped = conflicting.SelectMany(g => g.Value).ToHashSet();
            var keep = Enumerable.Range(0, table.RowCount).Where(r => !dropped.Contains(r)).ToList();
            return (table.Select(keep), new ConflictReport(conflicting.Count, conflictRows, rate, examples, policy, 0, dropped.Count));
        }

        var values = (string?[])label.Values.Clone();
        var relabelled = 0;
        foreach (var (_, rows) in conflicting)
        {
            // Ties go to the ordinally smallest label so that the result does not depend on row order.
            var winner = rows.GroupBy(r => values[r]!, StringComparer.Ordinal)
                .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First().Key;
            foreach (var row in rows.Where(r => values[r] != winner))
            {
                values[row] = winner;
                relabelled++;
            }
        }

        return (table.Replace(new TextColumn(labelColumn, values)), new ConflictReport(conflicting.Count, conflictRows, rate, examples, policy, relabelled, 0));
    }

    public static string Percent(double rate) => (rate * 100).ToString("0.00", CultureInfo.InvariantCulture) + "%";

    private static string Describe(List<int> rows, DataColumn[] columns, TextColumn label, DataTable table)
    {
        var first = rows[0];
        var features = string.Join(", ", columns.Take(4).Select(c =>
            $"{c.Name}={(c is NumericColumn n ? n.Values[first].ToString("G6", CultureInfo.InvariantCulture) : ((TextColumn)c).Values[first])}"));
        var labels = string.Join(", ", rows.GroupBy(r => label.Values[r], StringComparer.Ordinal).Select(g => $"\"{g.Key}\"×{g.Count()}"));
        return $"rows {string.Join(", ", rows.Take(3).Select(r => table.Origins[r]))}{(rows.Count > 3 ? ", …" : "")} ({features}) labelled {labels}";
    }
}
