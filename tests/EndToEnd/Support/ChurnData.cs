using System.Globalization;
using System.Text;
using Flywheel.Contracts.Training;

namespace Flywheel.EndToEnd.Support;

/// <summary>
/// A churn data set like the sample's: numeric tenure and monthlyCharges, categorical plan and region,
/// label churned (yes/no), or a regression target (lifetimeValue). Shifts move tenure's mean and bring
/// plans never seen in training, the seed's X1 and X2.
/// </summary>
internal static class ChurnData
{
    public static readonly string[] Plans = ["basic", "standard", "premium"];
    public static readonly string[] Regions = ["north", "south", "east", "west"];

    public sealed record Row(double Tenure, double MonthlyCharges, string Plan, string Region, string Churned, double LifetimeValue);

    public static IReadOnlyList<Row> Generate(int count, int seed, double tenureShift = 0, double newPlanRate = 0)
    {
        var random = new Random(seed);
        var rows = new List<Row>(count);
        for (var i = 0; i < count; i++)
        {
            var tenure = Math.Round(Math.Clamp((random.NextDouble() * 60) + tenureShift, 0, 200), 1);
            var charges = Math.Round(20 + (random.NextDouble() * 80), 2);
            var plan = random.NextDouble() < newPlanRate ? "family" : Plans[random.Next(Plans.Length)];
            var region = Regions[random.Next(Regions.Length)];
            var risk = ((30 - tenure) / 12) + ((charges - 60) / 25) + (plan == "basic" ? 0.6 : plan == "premium" ? -0.6 : 0);
            var churned = (risk + ((random.NextDouble() - 0.5) * 0.8)) > 0 ? "yes" : "no";
            var value = Math.Round((tenure * charges / 10) + (plan == "premium" ? 40 : 0) + (random.NextDouble() * 5), 2);
            rows.Add(new Row(tenure, charges, plan, region, churned, value));
        }

        return rows;
    }

    public static string Csv(IEnumerable<Row> rows)
    {
        var text = new StringBuilder("tenure,monthlyCharges,plan,region,churned,lifetimeValue\n");
        foreach (var r in rows)
        {
            text.Append(string.Create(CultureInfo.InvariantCulture, $"{r.Tenure},{r.MonthlyCharges},{r.Plan},{r.Region},{r.Churned},{r.LifetimeValue}\n"));
        }

        return text.ToString();
    }

    public static TrainingSpec Spec(string csvPath, string task, string name, string version = "1.0") => new()
    {
        TrainingRun = $"{name}-initial",
        Model = new ModelReference { Namespace = "ml", Name = name, Version = version },
        Task = task,
        Data = new DataSpec
        {
            Source = "file://" + csvPath,
            Format = "csv",
            LabelColumn = task == "regression" ? "lifetimeValue" : "churned",
            Features =
            [
                new FeatureSpec { Name = "tenure", Type = "numeric" },
                new FeatureSpec { Name = "monthlyCharges", Type = "numeric" },
                new FeatureSpec { Name = "plan", Type = "categorical" },
                new FeatureSpec { Name = "region", Type = "categorical" },
            ],
        },
        Preprocessing = new PreprocessingSpec { Missing = "imputeMean", CategoricalEncoding = "oneHot", Scaling = "minMax" },
        Training = new TrainingOptions
        {
            Candidates = [new CandidateSpec { Algorithm = task == "regression" ? "sdca" : "lbfgsLogisticRegression" }],
            Seed = 42,
            Validation = new ValidationSpec { HoldoutFraction = 0.25 },
        },
    };

    /// <summary>The records-form body of the inference server for these rows (labels left out).</summary>
    public static object Instances(IEnumerable<Row> rows) => new
    {
        instances = rows.Select(r => new { tenure = r.Tenure, monthlyCharges = r.MonthlyCharges, plan = r.Plan, region = r.Region }).ToArray(),
    };
}
