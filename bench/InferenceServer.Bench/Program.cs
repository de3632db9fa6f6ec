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
/// wrk, with and without dynamic batching and monitoring, for two tree ensembles and a dense MLP that batches well.
/// Usage: dotnet run -c Release --project bench/InferenceServer.Bench [-- --seconds N] [--models small,large,mlp] [--batch-runners N]
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

            // (b) and (c): three servers side by side (batching with monitoring, no batching, batching without
            // monitoring), hit with wrk in turn, round after round, so that a change in the machine's load
            // falls on every configuration alike and the ratios stay readable.
            await using var batched = await InferenceApp.StartAsync(Options(dir, 64, monitoring: true, runners), logLevel: LogLevel.Warning);
            await using var unbatched = await InferenceApp.StartAsync(Options(dir, 1, monitoring: true, runners), logLevel: LogLevel.Warning);
            await using var unmonitored = await InferenceApp.StartAsync(Options(dir, 64, monitoring: false, runners), logLevel: LogLevel.Warning);
            string Url(InferenceApp app) => new Uri(app.BaseAddress, "v2/models/movies/infer").ToString();
            var (b, n, m) = (Url(batched), Url(unbatched), Url(unmonitored));

            // A fresh process runs unoptimised code first (tiered JIT): warm every path before measuring.
            foreach (var url in new[] { b, n, m })
            {
                await WrkAsync(url, single, 64, 1);
                await WrkAsync(url, batch64, 16, 1);
            }

            var low = await WrkAsync(b, single, 1, seconds);
            var lowOff = await WrkAsync(m, single, 1, seconds);
            Add("(b) 1 row, c=1, p50 / p99 (monitoring on)", $"{Micro(low.P50)} / {Micro(low.P99)} (raw ORT {Micro(rawLatency)}, +{Micro(low.P50 - rawLatency)})");
            Add("(c) 1 row, c=1, p50 / p99 (monitoring off)", $"{Micro(lowOff.P50)} / {Micro(lowOff.P99)} (+{Micro(lowOff.P50 - rawLatency)})");
            foreach (var c in new[] { 1, 16, 64 })
            {
                var urls = c == 64 ? new[] { b, n, m } : [b, n];
                var runs = await InterleavedAsync(urls, single, c, seconds);
                Add($"(b) 1-row requests, c={c}, batching", Requests(runs[0]));
                Add($"(b) 1-row requests, c={c}, no batching", Requests(runs[1]));
                Add($"(b) 1-row requests, c={c}, batching ÷ no batching", $"{runs[0].RequestsPerSecond / runs[1].RequestsPerSecond:0.00}×");
                if (c == 64)
                {
                    Add("(c) 1-row requests, c=64, batching, monitoring off", Requests(runs[2]));
                    Add("(c) monitoring cost, 1-row requests, c=64", Cost(runs[0], runs[2]));
                }
            }

            var big = await InterleavedAsync([b, m], batch64, 16, seconds);
            Add("(b) 64-row requests, c=16", Rows(big[0], inProcessRows));
            Add("(c) 64-row requests, c=16, monitoring off", Rows(big[1], inProcessRows));
            Add("(c) monitoring cost, 64-row requests, c=16", Cost(big[0], big[1]));
        }

        return result;
    }

    private static string Requests(WrkRun run) => $"{Rate(run.RequestsPerSecond)} req/s; server CPU {run.CpuPerRequest * 1e6:0.0} µs/req";

    private static string Rows(WrkRun run, double inProcessRows) =>
        $"{Rate(run.RequestsPerSecond * 64)} rows/s = {run.RequestsPerSecond * 64 / inProcessRows:0.00}× (a); server CPU {run.CpuPerRequest * 1e6 / 64:0.00} µs/row = {run.CpuPerRequest / 64 * inProcessRows:0.00}× (a)'s";

    /// <summary>Throughput lost and CPU per request added by monitoring.</summary>
    private static string Cost(WrkRun on, WrkRun off) =>
        $"throughput {(1 - (on.RequestsPerSecond / off.RequestsPerSecond)) * 100:+0.0;-0.0} %, CPU per request {((on.CpuPerRequest / off.CpuPerRequest) - 1) * 100:+0.0;-0.0} %";

    /// <summary>Runs wrk against each URL in turn, one second each, for <paramref name="rounds"/> rounds; sums per URL.</summary>
    private static async Task<WrkRun[]> InterleavedAsync(string[] urls, string body, int connections, int rounds)
    {
        var requests = new double[urls.Length];
        var cpu = new double[urls.Length];
        var elapsed = new double[urls.Length];
        for (var round = 0; round < rounds; round++)
        {
            for (var i = 0; i < urls.Length; i++)
            {
                // Alternate the order so that neither side always runs right after the other.
                var u = round % 2 == 0 ? i : urls.Length - 1 - i;
                var run = await WrkAsync(urls[u], body, connections, 1);
                requests[u] += run.Requests;
                cpu[u] += run.CpuPerRequest * run.Requests;
                elapsed[u] += run.Requests / run.RequestsPerSecond;
            }
        }

        return [.. urls.Select((_, i) => new WrkRun(requests[i] / elapsed[i], 0, 0, cpu[i] / requests[i], requests[i]))];
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

    /// <summary>One wrk run; CPU per request is this process's CPU time (the server runs in it) over the requests served.</summary>
    private static async Task<WrkRun> WrkAsync(string url, string body, int connections, int seconds)
    {
        var script = Path.Combine(Path.GetTempPath(), $"wrk-{Guid.NewGuid():N}.lua");
        await File.WriteAllTextAsync(script, $"wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\nwrk.body = [[{body}]]\n");
        try
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var result = await TestTools.RunAsync(TestTools.Wrk, ["-t", connections == 1 ? "1" : "2", "-c", connections.ToString(CultureInfo.InvariantCulture), "-d", $"{seconds}s", "--latency", "-s", script, url], TimeSpan.FromSeconds(seconds + 30));
            if (result.ExitCode != 0 || result.Stdout.Contains("Non-2xx", StringComparison.Ordinal))
            {
                throw new InvalidOperationException("wrk failed or saw errors: " + result);
            }

            var rps = double.Parse(RequestsPattern().Match(result.Stdout).Groups[1].Value, CultureInfo.InvariantCulture);
            var requests = double.Parse(TotalPattern().Match(result.Stdout).Groups[1].Value, CultureInfo.InvariantCulture);
            var used = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
            return new WrkRun(rps, Latency(result.Stdout, "50%"), Latency(result.Stdout, "99%"), used / requests, requests);
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

    private sealed record WrkRun(double RequestsPerSecond, double P50, double P99, double CpuPerRequest, double Requests);

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPattern();

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex TotalPattern();
}
