using System.Diagnostics;
using System.Globalization;
using System.Text;
using Flywheel.Contracts.Artifacts;
using Flywheel.Trainer.Data;
using Flywheel.Trainer.Export;
using Flywheel.Trainer.Features;
using Flywheel.Trainer.Models;
using Microsoft.ML.Data;

namespace Flywheel.Trainer.Bench;

/// <summary>
/// Trainer throughput: load + clean + transform rows/s on a generated CSV (default 1M rows), and seconds per
/// trial per algorithm at 100k rows (binary classification and regression) with the exported graph's
/// single-row ONNX Runtime latency. Options: --rows N, --trial-rows N.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var rows = Option(args, "--rows", 1_000_000);
        var trialRows = Option(args, "--trial-rows", 100_000);
        var dir = Directory.CreateTempSubdirectory("flywheel-trainer-bench-").FullName;
        try
        {
            var table = new List<string[]>();
            var csv = Path.Combine(dir, "data.csv");
            Generate(csv, rows, binary: true);
            var size = new FileInfo(csv).Length;
            Console.WriteLine($"generated {rows:N0} rows ({size / 1e6:0.0} MB) of CSV");
            FeatureInfo[] features = [new("age", FeatureType.Numeric), new("income", FeatureType.Numeric), new("score", FeatureType.Numeric), new("city", FeatureType.Categorical), new("plan", FeatureType.Categorical)];

            var start = Stopwatch.GetTimestamp();
            var loaded = Load(csv, features);
            var load = Stopwatch.GetElapsedTime(start).TotalSeconds;
            var (clean, _) = Cleaner.Clean(loaded, features, "label", Cleaner.ImputeMean);
            var label = LabelSet.Create(clean, "label", ModelTask.BinaryClassification);
            var cleanSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            var prepared = new MlNetBackend().Prepare(new TrainingRows(clean, label, features, new FeaturePreprocessing("oneHot", "standard")));
            var count = Materialize(prepared);
            var total = Stopwatch.GetElapsedTime(start).TotalSeconds;
            table.Add(["load (CSV parse)", $"{rows / load / 1e6:0.00} M rows/s", $"{load:0.00} s"]);
            table.Add(["load + clean", $"{rows / cleanSeconds / 1e6:0.00} M rows/s", $"{cleanSeconds:0.00} s"]);
            table.Add(["load + clean + transform (one-hot, standard)", $"{count / total / 1e6:0.00} M rows/s", $"{total:0.00} s"]);

            foreach (var task in new[] { ModelTask.BinaryClassification, ModelTask.Regression })
            {
                var trialCsv = Path.Combine(dir, $"trial-{task}.csv");
                Generate(trialCsv, trialRows, task == ModelTask.BinaryClassification);
                var (trialTable, _) = Cleaner.Clean(Load(trialCsv, features), features, "label", Cleaner.ImputeMean);
                var trialLabel = LabelSet.Create(trialTable, "label", task);
                var backend = new MlNetBackend();
                var data = backend.Prepare(new TrainingRows(trialTable, trialLabel, features, new FeaturePreprocessing("oneHot", "standard")));
                Materialize(data);
                foreach (var algorithm in backend.Algorithms(task))
                {
                    var trialStart = Stopwatch.GetTimestamp();
                    var model = backend.Train(data, algorithm, new Dictionary<string, double>(), seed: 1);
                    var seconds = Stopwatch.GetElapsedTime(trialStart).TotalSeconds;
                    var defaults = string.Join(" ", algorithm.Describe(new Dictionary<string, double>()).Select(p => $"{p.Key}={p.Value}"));
                    string detail;
                    try
                    {
                        using var scorer = new OnnxScorer(model.ExportOnnx(), features, trialLabel);
                        detail = $"ONNX 1 row p50 {scorer.MeasureLatencyMicroseconds(trialTable, warmup: 500, runs: 2000):0.0} µs";
                    }
                    catch (Microsoft.ML.OnnxRuntime.OnnxRuntimeException ex)
                    {
                        detail = "ONNX export rejected by ONNX Runtime: " + ex.Message.Split('\n')[^1][..Math.Min(120, ex.Message.Split('\n')[^1].Length)];
                    }

                    table.Add([$"trial {task} {algorithm.Name} ({defaults}), {trialRows / 1000}k rows", $"{seconds:0.00} s/trial", detail]);
                    Console.WriteLine($"{table[^1][0]}: {table[^1][1]}, {table[^1][2]}");
                }
            }

            Print(table);
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static DataTable Load(string csv, IReadOnlyList<FeatureInfo> features)
    {
        var builder = new TableBuilder([.. features.Select(f => new ColumnRequest(f.Name, f.IsNumeric, "feature")), new ColumnRequest("label", false, "label")]);
        CsvSource.Read(csv, builder);
        return builder.Build();
    }

    /// <summary>Runs the fitted transforms over every row (the cache fills), returning the row count.</summary>
    private static long Materialize(IPreparedData prepared)
    {
        var view = MlNetBackend.Transformed(prepared);
        var column = view.Schema["Features"];
        using var cursor = view.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        var buffer = default(VBuffer<float>);
        long count = 0;
        while (cursor.MoveNext())
        {
            getter(ref buffer);
            count++;
        }

        return count;
    }

    private static void Generate(string path, int rows, bool binary)
    {
        string[] cities = ["berlin", "lisbon", "oslo", "paris", "rome", "madrid", "vienna", "prague"];
        var random = new Random(3);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        writer.Write("age,income,score,city,plan,label\n");
        for (var i = 0; i < rows; i++)
        {
            var age = 18 + (random.NextDouble() * 60);
            var income = 20 + (random.NextDouble() * 80);
            var score = random.NextDouble();
            var city = cities[random.Next(cities.Length)];
            var plan = random.Next(3) switch { 0 => "basic", 1 => "pro", _ => "team" };
            var signal = ((age - 48) / 15) + ((income - 60) / 20) + (city == "oslo" ? 1 : 0) + (plan == "pro" ? 0.5 : 0) + ((random.NextDouble() - 0.5) * 0.8);
            var label = binary ? (signal > 0 ? "yes" : "no") : Math.Max(0, 50 + (signal * 10)).ToString("0.###", CultureInfo.InvariantCulture);
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"{age:0.#},{income:0.##},{score:0.####},{city},{plan},{label}\n"));
        }
    }

    private static void Print(List<string[]> rows)
    {
        Console.WriteLine();
        Console.WriteLine("| measurement | value | detail |");
        Console.WriteLine("| --- | --- | --- |");
        foreach (var row in rows)
        {
            Console.WriteLine($"| {row[0]} | {row[1]} | {row[2]} |");
        }
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
