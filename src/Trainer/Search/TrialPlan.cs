using System.Globalization;
using System.Text.Json;
using Flywheel.Contracts.Training;
using Flywheel.Trainer.Models;

namespace Flywheel.Trainer.Search;

/// <summary>One planned trial: which algorithm with which hyperparameters.</summary>
internal sealed record TrialSpec(int Index, AlgorithmInfo Algorithm, IReadOnlyDictionary<string, double> Parameters);

/// <summary>
/// Expands the candidates' hyperparameter spaces into trials. Grid: every combination of the listed values
/// (a range contributes min, midpoint and max; the midpoint is geometric on a log scale). Random: values
/// drawn with the run's seed. Candidates take turns, so <c>maxTrials</c> never starves one of them.
/// </summary>
internal static class TrialPlan
{
    public const string Grid = "grid";
    public const string Random = "random";
    public const int DefaultRandomTrials = 10;

    public static IReadOnlyList<TrialSpec> Create(IReadOnlyList<(CandidateSpec Spec, AlgorithmInfo Algorithm)> candidates, string search, int maxTrials, int seed)
    {
        var perCandidate = new List<List<Dictionary<string, double>>>();
        var random = new System.Random(seed);
        var randomBudget = maxTrials > 0 ? maxTrials : DefaultRandomTrials;
        for (var c = 0; c < candidates.Count; c++)
        {
            var (spec, algorithm) = candidates[c];
            var axes = Axes(spec, algorithm, c);
            if (search == Random)
            {
                var share = (randomBudget / candidates.Count) + (c < randomBudget % candidates.Count ? 1 : 0);
                var draws = new List<Dictionary<string, double>>();
                for (var i = 0; i < Math.Max(share, 1); i++)
                {
                    draws.Add(axes.ToDictionary(a => a.Name, a => a.Draw(random), StringComparer.Ordinal));
                }

                perCandidate.Add([.. draws.DistinctBy(Key)]);
            }
            else
            {
                perCandidate.Add(Product(axes));
            }
        }

        var trials = new List<TrialSpec>();
        for (var round = 0; perCandidate.Any(p => round < p.Count); round++)
        {
            for (var c = 0; c < candidates.Count; c++)
            {
                if (round < perCandidate[c].Count && (maxTrials <= 0 || trials.Count < maxTrials))
                {
                    trials.Add(new TrialSpec(trials.Count + 1, candidates[c].Algorithm, perCandidate[c][round]));
                }
            }
        }

        return trials;
    }

    private static string Key(Dictionary<string, double> parameters) =>
        string.Join(";", parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value.ToString("R", CultureInfo.InvariantCulture)}"));

    private static List<Dictionary<string, double>> Product(IReadOnlyList<Axis> axes)
    {
        var result = new List<Dictionary<string, double>> { new(StringComparer.Ordinal) };
        foreach (var axis in axes)
        {
            result = [.. result.SelectMany(partial => axis.GridValues.Select(v => new Dictionary<string, double>(partial, StringComparer.Ordinal) { [axis.Name] = v }))];
        }

        return [.. result.DistinctBy(Key)];
    }

    private static List<Axis> Axes(CandidateSpec spec, AlgorithmInfo algorithm, int index)
    {
        var axes = new List<Axis>();
        foreach (var (name, range) in spec.Hyperparameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var field = $"training.candidates[{index}].hyperparameters.{name}";
            if (!algorithm.Parameters.TryGetValue(name, out var info))
            {
                throw new TrainingInputException(
                    $"{field}: {algorithm.Name} has no hyperparameter '{name}'; use one of {string.Join(", ", algorithm.Parameters.Keys)}");
            }

            axes.Add(Axis.From(name, range, info, field));
        }

        return axes;
    }

    private sealed record Axis(string Name, IReadOnlyList<double> GridValues, Func<System.Random, double> Draw)
    {
        public static Axis From(string name, HyperparameterRange range, HyperparameterInfo info, string field)
        {
            if (range.Values is { Count: > 0 } values)
            {
                var numbers = values.Select(v => v.ValueKind == JsonValueKind.Number
                    ? info.Normalize(Check(v.GetDouble(), info, field))
                    : throw new TrainingInputException($"{field}.values: expected numbers, got {v.GetRawText()}; list numbers such as [10, 50]")).ToArray();
                return new Axis(name, numbers, random => numbers[random.Next(numbers.Length)]);
            }

            if (range.Min is not { } min || range.Max is not { } max)
            {
                throw new TrainingInputException($"{field}: give either values: [...] or min and max");
            }

            Check(min, info, field);
            Check(max, info, field);
            if (min > max)
            {
                throw new TrainingInputException($"{field}: min {min} is larger than max {max}; swap them");
            }

            var log = range.Scale switch
            {
                "log" when min > 0 => true,
                "log" => throw new TrainingInputException($"{field}: a log scale needs min > 0, got {min}; raise min or use scale linear"),
                "linear" => false,
                _ => throw new TrainingInputException($"{field}.scale: expected linear or log, got \"{range.Scale}\""),
            };
            var mid = log ? Math.Sqrt(min * max) : (min + max) / 2;
            double[] grid = [.. new[] { min, mid, max }.Select(info.Normalize).Distinct()];
            return new Axis(name, grid, random =>
            {
                var u = random.NextDouble();
                return info.Normalize(log ? Math.Exp(Math.Log(min) + (u * (Math.Log(max) - Math.Log(min)))) : min + (u * (max - min)));
            });
        }

        private static double Check(double value, HyperparameterInfo info, string field) =>
            value >= info.Min && value <= info.Max
                ? value
                : throw new TrainingInputException($"{field}: {value.ToString(CultureInfo.InvariantCulture)} is outside {info.Min.ToString(CultureInfo.InvariantCulture)}..{info.Max.ToString(CultureInfo.InvariantCulture)}; pick a value in that range");
    }
}
