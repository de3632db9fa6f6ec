using System.Globalization;
using System.Text;

namespace Flywheel.Trainer.Tests;

/// <summary>
/// Generated training data: numeric <c>age</c>, <c>income</c>, categorical <c>city</c>, <c>plan</c>, and a label
/// that depends on them with noise. Options plant missing values and conflicting duplicates.
/// </summary>
internal sealed class SyntheticData
{
    public static readonly string[] Cities = ["berlin", "lisbon", "oslo", "paris"];
    public static readonly string[] Plans = ["basic", "pro"];

    public required string Task { get; init; }

    public int Rows { get; init; } = 1500;

    public int Seed { get; init; } = 7;

    public double LabelNoise { get; init; } = 0.05;

    /// <summary>Share of cells in age and city left empty.</summary>
    public double MissingRate { get; init; }

    /// <summary>Number of extra rows that copy an earlier row's features with the other label.</summary>
    public int Conflicts { get; init; }

    public IReadOnlyList<Dictionary<string, string>> Generate()
    {
        var random = new Random(Seed);
        var rows = new List<Dictionary<string, string>>();
        for (var i = 0; i < Rows; i++)
        {
            var age = Math.Round(18 + (random.NextDouble() * 60), 1);
            var income = Math.Round(20 + (random.NextDouble() * 80), 2);
            var city = Cities[random.Next(Cities.Length)];
            var plan = Plans[random.Next(Plans.Length)];
            var signal = ((age - 48) / 15) + ((income - 60) / 20) + (city == "oslo" ? 1.2 : city == "lisbon" ? -0.8 : 0) + (plan == "pro" ? 0.7 : -0.3);
            string label;
            if (Task == "regression")
            {
                label = Math.Round((signal * 10) + 50 + ((random.NextDouble() - 0.5) * 4), 3).ToString(CultureInfo.InvariantCulture);
            }
            else if (Task == "multiclassClassification")
            {
                label = signal < -0.7 ? "low" : signal < 0.7 ? "mid" : "high";
                if (random.NextDouble() < LabelNoise)
                {
                    label = new[] { "low", "mid", "high" }[random.Next(3)];
                }
            }
            else
            {
                label = signal > 0 ? "yes" : "no";
                if (random.NextDouble() < LabelNoise)
                {
                    label = label == "yes" ? "no" : "yes";
                }
            }

            rows.Add(new Dictionary<string, string>
            {
                ["age"] = random.NextDouble() < MissingRate ? "" : age.ToString(CultureInfo.InvariantCulture),
                ["income"] = income.ToString(CultureInfo.InvariantCulture),
                ["city"] = random.NextDouble() < MissingRate ? "" : city,
                ["plan"] = plan,
                ["label"] = label,
            });
        }

        for (var i = 0; i < Conflicts; i++)
        {
            var copy = new Dictionary<string, string>(rows[i * 3]);
            copy["label"] = copy["label"] == "yes" ? "no" : "yes";
            rows.Add(copy);
        }

        return rows;
    }

    public string WriteCsv(string path)
    {
        var rows = Generate();
        var text = new StringBuilder("age,income,city,plan,label\n");
        foreach (var row in rows)
        {
            text.Append(string.Join(",", row["age"], row["income"], row["city"], row["plan"], row["label"])).Append('\n');
        }

        File.WriteAllText(path, text.ToString());
        return path;
    }
}
