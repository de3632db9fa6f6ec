using System.Globalization;
using Flywheel.Contracts.Artifacts;
using Flywheel.Trainer.Data;

namespace Flywheel.Trainer.Features;

/// <summary>
/// The label as the trainers need it. Classification: <see cref="Classes"/> in score order (binary: negative
/// then positive; multiclass: ordinal order) and each row's class index. Regression: each row's value.
/// </summary>
internal sealed class LabelSet
{
    private LabelSet(ModelTask task, IReadOnlyList<string> classes, int[] classIndex, float[] values)
    {
        Task = task;
        Classes = classes;
        ClassIndex = classIndex;
        Values = values;
    }

    public ModelTask Task { get; }

    public IReadOnlyList<string> Classes { get; }

    public int[] ClassIndex { get; }

    public float[] Values { get; }

    public bool IsClassification => Task != ModelTask.Regression;

    public string? PositiveClass => Task == ModelTask.BinaryClassification ? Classes[1] : null;

    public int Count => IsClassification ? ClassIndex.Length : Values.Length;

    /// <summary>
    /// The positive class of a binary label: <c>true</c>, <c>1</c>, <c>yes</c> or <c>positive</c> when the other
    /// class is its natural opposite, otherwise the ordinally larger class.
    /// </summary>
    public static IReadOnlyList<string> OrderBinary(IReadOnlyList<string> classes)
    {
        var sorted = classes.Order(StringComparer.Ordinal).ToList();
        string[] positives = ["true", "1", "yes", "positive", "True", "Yes", "TRUE", "YES"];
        var positive = sorted.FirstOrDefault(c => positives.Contains(c, StringComparer.Ordinal)) ?? sorted[^1];
        return [sorted.First(c => c != positive), positive];
    }

    public static LabelSet Create(DataTable table, string labelColumn, ModelTask task, string? field = null)
    {
        var column = (TextColumn)table[labelColumn];
        if (task == ModelTask.Regression)
        {
            var values = new float[column.Count];
            for (var i = 0; i < values.Length; i++)
            {
                if (!double.TryParse(column.Values[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
                {
                    throw new TrainingInputException(
                        $"column '{labelColumn}', row {table.Origins[i]}: a regression label must be a number, got \"{TableBuilder.Truncate(column.Values[i] ?? "")}\"; fix the value or set task to a classification");
                }

                values[i] = (float)value;
            }

            return new LabelSet(task, [], [], values);
        }

        var counts = column.Values.GroupBy(v => v!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        if (counts.Count < 2)
        {
            throw new TrainingInputException(
                $"label column '{labelColumn}' has a single class \"{counts.Keys.FirstOrDefault()}\" in all {column.Count} rows; classification needs at least two classes: add rows of another class or fix data.labelColumn");
        }

        if (task == ModelTask.BinaryClassification && counts.Count > 2)
        {
            var shown = string.Join(", ", counts.Keys.Order(StringComparer.Ordinal).Take(10).Select(c => $"\"{c}\""));
            throw new TrainingInputException(
                $"label column '{labelColumn}' has {counts.Count} classes ({shown}) but task is binaryClassification; set task to multiclassClassification or fix the labels");
        }

        var classes = task == ModelTask.BinaryClassification
            ? OrderBinary([.. counts.Keys])
            : [.. counts.Keys.Order(StringComparer.Ordinal)];
        var index = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        return new LabelSet(task, classes, [.. column.Values.Select(v => index[v!])], []);
    }

    /// <summary>The label restricted to <paramref name="rows"/>.</summary>
    public LabelSet Select(IReadOnlyList<int> rows) =>
        new(Task, Classes, IsClassification ? [.. rows.Select(r => ClassIndex[r])] : [], IsClassification ? [] : [.. rows.Select(r => Values[r])]);
}
