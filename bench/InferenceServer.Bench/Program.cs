using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Flywheel.InferenceServer.Hosting;
using Flywheel.InferenceServer.Pipeline;
using Flywheel.InferenceServer.Protocol;
using Flywheel.InferenceServer.Runtime;
using Flywheel.InferenceServer.Tests.Support;
using Flywheel.Testing;
using Microsoft.Extensions.Logging;

namespace Flywheel.InferenceServer.Bench;

/// <summary>
/// Measures the in-process pipeline (parse V2 JSON + ONNX Runtime, no HTTP) and the server over HTTP with
/// wrk, with and without dynamic batching and monitoring, for a small and a compute-heavy model.
/// Usage: dotnet run -c Release --project bench/InferenceServer.Bench [-- --seconds N]
/// </summary>
internal static partial class Program
{
    public static async Task<int> Main(string[] args)
    {
        var seconds = Option(args, "--seconds", 3);
        var runners = Option(args, "--batch-runners", 1);
        var only = Array.IndexOf(args, "--models") is var at and >= 0 && at + 1 < args.Length ? args[at + 1].Split(',') : ["small", "large", "mlp"];
        var root = Path.Combine(Path.GetTempPath(), "flywheel-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            var rows = new List<string[]>();
            var models = new (string Key, string Label, Func<string, string> Write, Func<int, string> Body)[]
            {
                ("small", "small (20 trees)", d => TestModels.Write(d, TestModelKind.Binary, "1.0"), MovieBody),
                ("large", "large (500 trees)", d => TestModels.Write(d, TestModelKind.BinaryLarge, "1.0"), MovieBody),
                ("mlp", "MLP (16→1024→1024→2)", d => MlpModel.Write(d, "1.0", hidden: 1024), MlpModel.Body),
            };
            foreach (var (key, label, write, body) in models.Where(m => only.Contains(m.Key)))
            {
                var dir = Path.Combine(root, key);
                write(dir);
                rows.AddRange(await MeasureModelAsync(label, dir, body, seconds, runners));
            }

            Console.WriteLine();
            Console.WriteLine($"| model | measurement | value |");
            Console.WriteLine($"| --- | --- | --- |");
            foreach (var row in rows)
            {
                Console.WriteLine($"| {row[0]} | {row[1]} | {row[2]} |");
            }

            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static int Option(string[] args, string name, int fallback) =>
        Array.IndexOf(args, name) is var at and >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;

    private static async Task<List<string[]>> MeasureModelAsync(string label, string dir, Func<int, string> body, int seconds, int runners)
    {
        var result = new List<string[]>();
        void Add(string what, string value)
        {
            result.Add([label, what, value]);
            Console.WriteLine($"{label}: {what}: {value}");
        }

        var single = body(1);
        var batch64 = body(64);

        // (a) In-process: parse the same request bodies and run ONNX Runtime, no HTTP.
        var options = Options(dir, 64, monitoring: false, runners);
        var loader = new ModelLoader(options, new Monitoring.ServerMetrics(Prometheus.Metrics.NewCustomRegistry()), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        using (var model = await loader.LoadAsync("1.0", CancellationToken.None))
        {
            var bytes1 = Encoding.UTF8.GetBytes(single);
            var bytes64 = Encoding.UTF8.GetBytes(batch64);
            var raw = V2RequestReader.Read(bytes1, model.Schema, 4096).Batch;
            var rawLatency = Percentile(Time(() => model.Run(raw), seconds), 0.5);
            var pipeLatency = Percentile(Time(() => model.Run(V2RequestReader.Read(bytes1, model.Schema, 4096).Batch), seconds), 0.5);
            var raw64 = V2RequestReader.Read(bytes64, model.Schema, 4096).Batch;
            var rawRows = 64 / Percentile(Time(() => model.Run(raw64), seconds), 0.5);
            var batchTimes = Time(() => model.Run(V2RequestReader.Read(bytes64, model.Schema, 4096).Batch), seconds);
            var inProcessRows = 64 / Percentile(batchTimes, 0.5);
            Add("(a) raw ONNX Runtime, 1 row, p50", Micro(rawLatency));
            Add("(a) raw ONNX Runtime, 64-row batches, rows/s (1 thread)", Rate(rawRows));
            Add("(a) parse + ONNX Runtime, 1 row, p50", Micro(pipeLatency));
            Add("(a) parse + ONNX Runtime, 64-row bodies, rows/s (1 thread)", Rate(inProcessRows));

            // The same with what the server does around the run: ids, batch metrics and monitoring.
            var monitoredOptions = Options(dir, 64, monitoring: true, runners);
            var metrics = new Monitoring.ServerMetrics(Prometheus.Metrics.NewCustomRegistry());
            using var monitored = await new ModelLoader(monitoredOptions, metrics, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance).LoadAsync("1.0", CancellationToken.None);
            var service = new PredictionService(monitoredOptions, metrics, new Monitoring.PredictionIdStore(new Monitoring.PredictionIds(), 100_000), log: null);
            var servedLatency = Percentile(Time(() => service.Process(monitored, V2RequestReader.Read(bytes1, model.Schema, 4096).Batch), seconds), 0.5);
            var servedRows = 64 / Percentile(Time(() => service.Process(monitored, V2RequestReader.Read(bytes64, model.Schema, 4096).Batch), seconds), 0.5);
            Add("(a) parse + ONNX Runtime + ids + monitoring, 1 row, p50", Micro(servedLatency));
            Add("(a) parse + ONNX Runtime + ids + monitoring, 64-row bodies, rows/s (1 thread)", Rate(servedRows));

            // (b) and (c): the server over HTTP, measured with wrk.
            foreach (var monitoring in new[] { true, false })
            {
                var tag = monitoring ? "monitoring on" : "monitoring off";
                foreach (var batching in new[] { true, false })
                {
                    if (!monitoring && !batching)
                    {
                        continue;
                    }

                    await using var app = await InferenceApp.StartAsync(Options(dir, batching ? 64 : 1, monitoring, runners), logLevel: LogLevel.Warning);
                    var url = new Uri(app.BaseAddress, "v2/models/movies/infer").ToString();
                    var btag = batching ? "batching" : "no batching";
                    if (batching)
                    {
                        var low = await WrkAsync(url, single, 1, seconds);
                        Add($"(b) 1 row, c=1, p50 / p99 ({tag})", $"{Micro(low.P50)} / {Micro(low.P99)} (raw ORT {Micro(rawLatency)}, +{Micro(low.P50 - rawLatency)})");
                    }

                    foreach (var c in new[] { 1, 16, 64 })
                    {
                        if (!monitoring && c != 64)
                        {
                            continue;
                        }

                        var run = await WrkAsync(url, single, c, seconds);
                        Add($"(b) 1-row requests, c={c}, {btag} ({tag})", $"{Rate(run.RequestsPerSecond)} req/s");
                    }

                    if (batching)
                    {
                        var big = await WrkAsync(url, batch64, 16, seconds);
                        Add($"(b) 64-row requests, c=16 ({tag})", $"{Rate(big.RequestsPerSecond * 64)} rows/s = {big.RequestsPerSecond * 64 / inProcessRows:0.00}× (a)");
                    }
                }
            }
        }

        return result;
    }

    private static ServerOptions Options(string dir, int maxBatch, bool monitoring, int runners) => new()
    {
        ModelDirectory = dir,
        ModelName = "movies",
        ModelVersion = "1.0",
        Host = "127.0.0.1",
        Port = 0,
        ExecutionProvider = ExecutionProviderChoice.Cpu,
        MaxBatchSize = maxBatch,
        Monitoring = monitoring,
        MaxQueue = 4096,
        BatchRunners = runners,
    };

    private static string MovieBody(int rows)
    {
        var random = new Random(5);
        var ages = string.Join(",", Enumerable.Range(0, rows).Select(_ => (18 + (random.NextDouble() * 60)).ToString("0.0", CultureInfo.InvariantCulture)));
        var incomes = string.Join(",", Enumerable.Range(0, rows).Select(_ => (20_000 + (random.NextDouble() * 80_000)).ToString("0", CultureInfo.InvariantCulture)));
        var genres = string.Join(",", Enumerable.Range(0, rows).Select(_ => "\"" + TestModels.Genres[random.Next(4)] + "\""));
        return $$"""{"inputs":[{"name":"age","shape":[{{rows}},1],"datatype":"FP32","data":[{{ages}}]},{"name":"income","shape":[{{rows}},1],"datatype":"FP32","data":[{{incomes}}]},{"name":"genre","shape":[{{rows}},1],"datatype":"BYTES","data":[{{genres}}]}]}""";
    }

    /// <summary>Runs <paramref name="action"/> for the given seconds (after a warm-up); returns each run's seconds.</summary>
    private static List<double> Time(Func<PredictionBatch> action, int seconds)
    {
        var warm = Stopwatch.StartNew();
        for (var i = 0; i < 2000 && warm.Elapsed.TotalSeconds < 0.5; i++)
        {
            action();
        }

        var times = new List<double>();
        var total = Stopwatch.StartNew();
        while (total.Elapsed.TotalSeconds < seconds)
        {
            var start = Stopwatch.GetTimestamp();
            action();
            times.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
        }

        return times;
    }

    private static double Percentile(List<double> values, double p)
    {
        values.Sort();
        return values[(int)Math.Min(values.Count - 1, values.Count * p)];
    }

    private static async Task<(double RequestsPerSecond, double P50, double P99)> WrkAsync(string url, string body, int connections, int seconds)
    {
        var script = Path.Combine(Path.GetTempPath(), $"wrk-{Guid.NewGuid():N}.lua");
        await File.WriteAllTextAsync(script, $"wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\nwrk.body = [[{body}]]\n");
        try
        {
            var result = await TestTools.RunAsync(TestTools.Wrk, ["-t", connections == 1 ? "1" : "2", "-c", connections.ToString(CultureInfo.InvariantCulture), "-d", $"{seconds}s", "--latency", "-s", script, url], TimeSpan.FromSeconds(seconds + 30));
            if (result.ExitCode != 0 || result.Stdout.Contains("Non-2xx", StringComparison.Ordinal))
            {
                throw new InvalidOperationException("wrk failed or saw errors: " + result);
            }

            var rps = double.Parse(RequestsPattern().Match(result.Stdout).Groups[1].Value, CultureInfo.InvariantCulture);
            return (rps, Latency(result.Stdout, "50%"), Latency(result.Stdout, "99%"));
        }
        finally
        {
            File.Delete(script);
        }
    }

    private static double Latency(string output, string percentile)
    {
        var match = Regex.Match(output, $@"^\s+{Regex.Escape(percentile)}\s+([\d.]+)(us|ms|s)", RegexOptions.Multiline);
        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch { "us" => value / 1e6, "ms" => value / 1e3, _ => value };
    }

    private static string Micro(double seconds) => $"{seconds * 1e6:0.0} µs";

    private static string Rate(double perSecond) => perSecond >= 1e6 ? $"{perSecond / 1e6:0.00} M" : $"{perSecond / 1e3:0.0} k";

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPattern();
}
