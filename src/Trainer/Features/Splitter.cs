using Flywheel.Trainer.Data;

namespace Flywheel.Trainer.Features;

/// <summary>One train/evaluate split of the cleaned rows.</summary>
internal sealed record Split(int[] Train, int[] Test);

/// <summary>
/// Seeded, stratified splits (classes keep their shares): a holdout, or k folds. A class too small for the
/// split fails with the class, its count and the fix.
/// </summary>
internal static class Splitter
{
    public static IReadOnlyList<Split> Create(LabelSet label, string labelColumn, double? holdoutFraction, int? folds, int seed)
    {
        if (folds is { } k)
        {
            if (k < 2)
            {
                throw new TrainingInputException($"training.validation.folds: {k} folds cannot validate; use 2 or more, or holdoutFraction");
            }

            RequireClassCounts(label, labelColumn, k, $"{k}-fold validation needs at least {k} rows of each class", "lower training.validation.folds");
            var fold = new int[label.Count];
            foreach (var group in Strata(label, seed))
            {
                for (var i = 0; i < group.Count; i++)
                {
                    fold[group[i]] = i % k;
                }
            }

            return [.. Enumerable.Range(0, k).Select(f => new Split(
                [.. Enumerable.Range(0, label.Count).Where(r => fold[r] != f)],
                [.. Enumerable.Range(0, label.Count).Where(r => fold[r] == f)]))];
        }

        var fraction = holdoutFraction ?? 0.2;
        if (fraction is <= 0 or >= 1)
        {
            throw new TrainingInputException($"training.validation.holdoutFraction: {fraction} must be between 0 and 1 (exclusive), e.g. 0.2");
        }

        RequireClassCounts(label, labelColumn, 2, "a holdout needs at least 2 rows of each class (one to train, one to evaluate)", "use folds or remove the class");
        var train = new List<int>();
        var test = new List<int>();
        foreach (var group in Strata(label, seed))
        {
            var testCount = Math.Clamp((int)Math.Round(group.Count * fraction), 1, group.Count - 1);
            test.AddRange(group.Take(testCount));
            train.AddRange(group.Skip(testCount));
        }

        if (test.Count == 0 || train.Count == 0)
        {
            throw new TrainingInputException($"training.validation.holdoutFraction {fraction} leaves no rows to train or evaluate on {label.Count} rows; add rows");
        }

        train.Sort();
        test.Sort();
        return [new Split([.. train], [.. test])];
    }

    /// <summary>Rows grouped by class (one group for regression), each group shuffled with the seed.</summary>
    private static List<List<int>> Strata(LabelSet label, int seed)
    {
        var random = new Random(seed);
        var groups = label.IsClassification
            ? Enumerable.Range(0, label.Count).GroupBy(r => label.ClassIndex[r]).OrderBy(g => g.Key).Select(g => g.ToList()).ToList()
            : [Enumerable.Range(0, label.Count).ToList()];
        foreach (var group in groups)
        {
            for (var i = group.Count - 1; i > 0; i--)
            {
                var j = random.Next(i + 1);
                (group[i], group[j]) = (group[j], group[i]);
            }
        }

        return groups;
    }

    private static void RequireClassCounts(LabelSet label, string labelColumn, int needed, string why, string fix)
    {
        if (!label.IsClassification)
        {
            if (label.Count < needed)
            {
                throw new TrainingInputException($"only {label.Count} rows remain; {why.Replace("of each class", "", StringComparison.Ordinal)}: add rows");
            }

            return;
        }

        foreach (var group in Enumerable.Range(0, label.Count).GroupBy(r => label.ClassIndex[r]).OrderBy(g => g.Key))
        {
            if (group.Count() < needed)
            {
                throw new TrainingInputException(
                    $"label column '{labelColumn}': class \"{label.Classes[group.Key]}\" appears in {group.Count()} row(s); {why}: add rows of that class, {fix}");
            }
        }
    }

    public static (DataTable Table, LabelSet Label) Take(DataTable table, LabelSet label, int[] rows) => (table.Select(rows), label.Select(rows));
}
