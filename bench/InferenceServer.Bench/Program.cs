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

        // (a) In process: parse the same request bodies and run ONNX Runtime, no HTTP.
        var options = Options(dir, 64, monitoring: false, runners);
        var metrics = new Monitoring.ServerMetrics(Prometheus.Metrics.NewCustomRegistry());
        var loader = new ModelLoader(options, metrics, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        using (var model = await loader.LoadAsync("1.0", CancellationToken.None))
        {
            var bytes1 = Encoding.UTF8.GetBytes(single);
            var bytes64 = Encoding.UTF8.GetBytes(batch64);
            var raw = V2RequestReader.Read(bytes1, model.Schema, 4096).Batch;
            var raw64 = V2RequestReader.Read(bytes64, model.Schema, 4096).Batch;

            // The server's work without HTTP: parse, run, ids, batch metrics, monitoring (or not), write the response.
            var monitoredOptions = Options(dir, 64, monitoring: true, runners);
            using var monitored = await new ModelLoader(monitoredOptions, metrics, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance).LoadAsync("1.0", CancellationToken.None);
            var ids = new Monitoring.PredictionIdStore(new Monitoring.PredictionIds(), 100_000);
            var plain = new PredictionService(options, metrics, ids, log: null);
            var watched = new PredictionService(monitoredOptions, metrics, ids, log: null);
            Action Serve(byte[] body, ServedModel served, PredictionService service) => () =>
            {
                var request = V2RequestReader.Read(body, served.Schema, 4096);
                var predictions = service.Process(served, request.Batch);
                WriteResponse(served, request, predictions);
            };
            var request64 = V2RequestReader.Read(bytes64, model.Schema, 4096);
            var predictions64 = plain.Process(model, request64.Batch);

            // Interleaved in short rounds, so that a change in the machine's load falls on every variant alike.
            var variants = new (string Key, Action Run)[]
            {
                ("raw1", () => model.Run(raw)),
                ("raw64", () => model.Run(raw64)),
                ("parse1", () => model.Run(V2RequestReader.Read(bytes1, model.Schema, 4096).Batch)),
                ("parse64", () => model.Run(V2RequestReader.Read(bytes64, model.Schema, 4096).Batch)),
                ("off1", Serve(bytes1, model, plain)),
                ("on1", Serve(bytes1, monitored, watched)),
                ("off64", Serve(bytes64, model, plain)),
                ("on64", Serve(bytes64, monitored, watched)),
                ("write64", () => WriteResponse(model, request64, predictions64)),
                ("record64", () => monitored.Monitor!.Record(request64.Batch, predictions64)),
            };
            var timed = Interleave([.. variants.Select(v => v.Run)], rounds: seconds * 10, roundSeconds: 0.1);
            var t = variants.Select((v, i) => (v.Key, Times: timed[i])).ToDictionary(x => x.Key, x => x.Times);
            var rawLatency = Median(t["raw1"]);
            var inProcessRows = 64 / Median(t["parse64"]);
            var servedRows = 64 / Median(t["on64"]);
            Add("(a) raw ONNX Runtime, 1 row, p50", Micro(rawLatency));
            Add("(a) raw ONNX Runtime, 64-row batches, rows/s (1 thread)", Rate(64 / Median(t["raw64"])));
            Add("(a) parse + ONNX Runtime, 1 row, p50", Micro(Median(t["parse1"])));
            Add("(a) parse + ONNX Runtime, 64-row bodies, rows/s (1 thread)", Rate(inProcessRows));
            Add("(a') the server's work without HTTP (parse, run, ids, monitoring, response), 1 row, p50", Micro(Median(t["on1"])));
            Add("(a') the server's work without HTTP, 64-row bodies, rows/s (1 thread)", Rate(servedRows));
            Add("(a') writing the 64-row response alone", Micro(Median(t["write64"])));
            Add("(a') counting a 64-row batch's inputs and predictions alone", Micro(Median(t["record64"])));

            // Monitoring's cost in process: the same work with and without it, round by round.
            var cost1 = RoundDifference(t["on1"], t["off1"]);
            var cost64 = RoundDifference(t["on64"], t["off64"]);
            Add("(a') monitoring, 1-row request: time added", $"{Micro(cost1)} of {Micro(Median(t["off1"]))} ({Percent(cost1 / Median(t["off1"]))})");
            Add("(a') monitoring, 64-row request: time added", $"{Micro(cost64)} of {Micro(Median(t["off64"]))} ({Percent(cost64 / Median(t["off64"]))})");

            // The limit on this machine: the server's work without HTTP on every core at once.
            var allCores = Parallel(Serve(bytes64, monitored, watched), Environment.ProcessorCount, seconds) * 64;
            Add($"(a') the server's work without HTTP, 64-row bodies, rows/s ({Environment.ProcessorCount} threads)", Rate(allCores));

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
            var unbatchedCpu = 0.0;
            foreach (var c in new[] { 1, 16, 64 })
            {
                var (runs, _, _) = await InterleavedAsync([b, n], single, c, seconds);
                unbatchedCpu = runs[1].CpuPerRequest;
                Add($"(b) 1-row requests, c={c}, batching", Requests(runs[0]));
                Add($"(b) 1-row requests, c={c}, no batching", Requests(runs[1]));
                Add($"(b) 1-row requests, c={c}, batching ÷ no batching", $"{runs[0].RequestsPerSecond / runs[1].RequestsPerSecond:0.00}×");
            }

            // Monitoring on and off over HTTP: small next to the load's swings, so more rounds than the rest.
            var (watchedRuns, watchedRounds, _) = await InterleavedAsync([b, m], single, 64, seconds * 3);
            Add("(c) 1-row requests, c=64, batching, monitoring off", Requests(watchedRuns[1]));
            Add("(c) monitoring cost, 1-row requests, c=64", Cost(watchedRuns[0], watchedRuns[1], watchedRounds[0], watchedRounds[1]));
            // A 1-row request monitored alone costs what (a') measured; in a merged batch it costs a share of the batch's count.
            Add("(c) monitoring's share of the server's CPU per 1-row request, unbatched, c=64 (from (a'))", Percent(cost1 / unbatchedCpu));

            // (a) is measured again before each round, so that every round's ratio compares like with like.
            double InProcessRows() => 64 / Median(Interleave([variants[3].Run], rounds: 1, roundSeconds: 0.5)[0]);
            var (big, bigRounds, baseline) = await InterleavedAsync([b, m], batch64, 16, seconds * 3, InProcessRows);
            Add("(b) 64-row requests, c=16", Rows(big[0], inProcessRows, bigRounds[0], baseline));
            Add("(b) 64-row requests, c=16, against (a') on every core", $"{big[0].RequestsPerSecond * 64 / allCores:0.00}×");
            Add("(c) 64-row requests, c=16, monitoring off", Rows(big[1], inProcessRows, bigRounds[1], baseline));
            Add("(c) monitoring cost, 64-row requests, c=16", Cost(big[0], big[1], bigRounds[0], bigRounds[1]));
            Add("(c) monitoring's share of the server's CPU per 64-row request (from (a'))", Percent(cost64 / big[0].CpuPerRequest));
        }

        return result;
    }

    private static string Requests(WrkRun run) => $"{Rate(run.RequestsPerSecond)} req/s; server CPU {run.CpuPerRequest * 1e6:0.0} µs/req";

    /// <summary>Rows per second over HTTP, and per round ÷ the in-process rows per second measured just before.</summary>
    private static string Rows(WrkRun run, double inProcessRows, List<double> perRound, List<double> baseline) =>
        $"{Rate(run.RequestsPerSecond * 64)} rows/s = {Spread([.. perRound.Select((r, i) => r * 64 / baseline[i])])} (a); server CPU {run.CpuPerRequest * 1e6 / 64:0.00} µs/row = {run.CpuPerRequest / 64 * inProcessRows:0.00}× (a)'s";

    /// <summary>Throughput lost (median over rounds of on ÷ off) and CPU per request added by monitoring.</summary>
    private static string Cost(WrkRun on, WrkRun off, List<double> onRounds, List<double> offRounds)
    {
        var lost = onRounds.Select((r, i) => 1 - (r / offRounds[i])).ToList();
        return $"throughput {Percent(Median(lost))} (rounds {Percent(lost.Min())} … {Percent(lost.Max())}), CPU per request {Percent((on.CpuPerRequest / off.CpuPerRequest) - 1)}";
    }

    /// <summary>The median ratio and its range over the rounds.</summary>
    private static string Spread(List<double> ratios) => $"{Median(ratios):0.00}× (rounds {ratios.Min():0.00}–{ratios.Max():0.00}×)";

    /// <summary>
    /// Runs wrk against each URL in turn, one second each, for <paramref name="rounds"/> rounds, alternating the
    /// order; sums per URL, plus each round's requests per second and, when given, <paramref name="baseline"/>
    /// measured at the start of each round.
    /// </summary>
    private static async Task<(WrkRun[] Totals, List<double>[] PerRound, List<double> Baseline)> InterleavedAsync(string[] urls, string body, int connections, int rounds, Func<double>? baseline = null)
    {
        var requests = new double[urls.Length];
        var cpu = new double[urls.Length];
        var elapsed = new double[urls.Length];
        var perRound = urls.Select(_ => new List<double>()).ToArray();
        var baselines = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            if (baseline is not null)
            {
                baselines.Add(baseline());
            }

            for (var i = 0; i < urls.Length; i++)
            {
                // Alternate the order so that neither side always runs right after the other.
                var u = round % 2 == 0 ? i : urls.Length - 1 - i;
                var run = await WrkAsync(urls[u], body, connections, 1);
                requests[u] += run.Requests;
                cpu[u] += run.CpuPerRequest * run.Requests;
                elapsed[u] += run.Requests / run.RequestsPerSecond;
                perRound[u].Add(run.RequestsPerSecond);
            }
        }

        return ([.. urls.Select((_, i) => new WrkRun(requests[i] / elapsed[i], 0, 0, cpu[i] / requests[i], requests[i]))], perRound, baselines);
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

    private static readonly System.Text.Json.JsonWriterOptions WriterOptions = new() { SkipValidation = true };

    /// <summary>Writes the V2 response for a request's predictions, as the server does.</summary>
    private static void WriteResponse(ServedModel model, InferRequest request, PredictionBatch predictions)
    {
        using var buffer = new PooledBufferWriter(4096);
        using var writer = new System.Text.Json.Utf8JsonWriter(buffer, WriterOptions);
        ResponseWriter.WriteV2(writer, "movies", model.Version, model.Schema, request, new PredictionSlice(predictions, 0, predictions.Rows));
    }

    /// <summary>
    /// Runs each action for <paramref name="roundSeconds"/>, one after the other, for <paramref name="rounds"/>
    /// rounds (after a warm-up of each); returns per action the median seconds per call of every round.
    /// </summary>
    private static List<double>[] Interleave(Action[] actions, int rounds, double roundSeconds)
    {
        foreach (var action in actions)
        {
            var warm = Stopwatch.StartNew();
            while (warm.Elapsed.TotalSeconds < 0.3)
            {
                action();
            }
        }

        var result = actions.Select(_ => new List<double>()).ToArray();
        var times = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            for (var i = 0; i < actions.Length; i++)
            {
                var a = round % 2 == 0 ? i : actions.Length - 1 - i;
                times.Clear();
                var total = Stopwatch.StartNew();
                while (total.Elapsed.TotalSeconds < roundSeconds)
                {
                    var start = Stopwatch.GetTimestamp();
                    actions[a]();
                    times.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
                }

                result[a].Add(Median(times));
            }
        }

        return result;
    }

    /// <summary>Calls per second of <paramref name="action"/> run on <paramref name="threads"/> threads at once.</summary>
    private static double Parallel(Action action, int threads, int seconds)
    {
        var calls = 0L;
        var stop = DateTime.UtcNow.AddSeconds(seconds);
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() =>
        {
            var mine = 0L;
            while (DateTime.UtcNow < stop)
            {
                action();
                mine++;
            }

            Interlocked.Add(ref calls, mine);
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        return calls / clock.Elapsed.TotalSeconds;
    }

    /// <summary>The median over rounds of one variant's time minus another's in the same round.</summary>
    private static double RoundDifference(List<double> with, List<double> without) =>
        Median([.. with.Select((w, i) => w - without[i])]);

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
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

    /// <summary>A signed percentage with one decimal, rounded before the sign is chosen.</summary>
    private static string Percent(double fraction) => $"{Math.Round(fraction * 100, 1):+0.0;-0.0;0.0} %";

    private static string Micro(double seconds) => $"{seconds * 1e6:0.0} µs";

    private static string Rate(double perSecond) => perSecond >= 1e6 ? $"{perSecond / 1e6:0.00} M" : $"{perSecond / 1e3:0.0} k";

    private sealed record WrkRun(double RequestsPerSecond, double P50, double P99, double CpuPerRequest, double Requests);

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPattern();

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex TotalPattern();
}
