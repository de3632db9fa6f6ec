using System.Diagnostics;
using System.Globalization;
using k8s;
using k8s.Models;

namespace Flywheel.ApiServer.Bench;

/// <summary>
/// Load run against an in-process LocalCluster through KubernetesClient over loopback HTTP: creates and
/// updates of N ConfigMaps by C concurrent writers while W raw watch streams count the events they receive.
/// Prints a table. Usage: --objects 10000 --watchers 10 --writers 16
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var objects = Option(args, "--objects", 10_000);
        var watchers = Option(args, "--watchers", 10);
        var writers = Option(args, "--writers", 16);

        var baseline = Memory();
        await using var cluster = await LocalCluster.StartAsync(new LocalClusterOptions { WatchHistory = objects * 3 });
        var config = cluster.ClientConfiguration;
        using var client = new Kubernetes(config);
        var expectedEvents = (long)objects * 2;
        var counts = new long[watchers];
        using var stop = new CancellationTokenSource();
        var start = await client.CoreV1.ListNamespacedConfigMapAsync("default");
        var watchTasks = Enumerable.Range(0, watchers).Select(i => WatchAsync(cluster.BaseUri, start.Metadata.ResourceVersion, counts, i, stop.Token)).ToList();

        var clock = Stopwatch.StartNew();
        await ParallelAsync(objects, writers, i => client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap(i, "created"), "default"));
        var createSeconds = clock.Elapsed.TotalSeconds;
        var memoryAtObjects = Memory() - baseline;
        var workingSet = Environment.WorkingSet;

        clock.Restart();
        await ParallelAsync(objects, writers, i => client.CoreV1.ReplaceNamespacedConfigMapAsync(ConfigMap(i, "updated"), Name(i), "default"));
        var updateSeconds = clock.Elapsed.TotalSeconds;
        var writeSeconds = createSeconds + updateSeconds;

        var deadline = Stopwatch.StartNew();
        while (Enumerable.Range(0, watchers).Any(i => Interlocked.Read(ref counts[i]) < expectedEvents) && deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(10);
        }

        var deliverSeconds = writeSeconds + deadline.Elapsed.TotalSeconds;
        var delivered = counts.Sum();
        await stop.CancelAsync();
        await Task.WhenAll(watchTasks.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));

        Console.WriteLine($"LocalCluster load run: {objects:N0} ConfigMaps, {writers} concurrent writers (KubernetesClient), {watchers} watchers, {Environment.ProcessorCount} cores");
        Console.WriteLine();
        Console.WriteLine("| measurement | value |");
        Console.WriteLine("| --- | --- |");
        Console.WriteLine($"| creates/s | {objects / createSeconds:N0} |");
        Console.WriteLine($"| updates/s | {objects / updateSeconds:N0} |");
        Console.WriteLine($"| watch events delivered/s (all {watchers} watchers, creates + updates) | {delivered / deliverSeconds:N0} |");
        Console.WriteLine($"| watch events delivered / expected | {delivered:N0} / {expectedEvents * watchers:N0} |");
        Console.WriteLine($"| managed heap growth at {objects:N0} objects | {memoryAtObjects / 1048576.0:N1} MiB |");
        Console.WriteLine($"| process working set at {objects:N0} objects | {workingSet / 1048576.0:N1} MiB |");
        return delivered == expectedEvents * watchers ? 0 : 1;
    }

    private static string Name(int i) => $"bench-{i:D6}";

    private static V1ConfigMap ConfigMap(int i, string phase) => new()
    {
        Metadata = new V1ObjectMeta { Name = Name(i), Labels = new Dictionary<string, string> { ["app"] = "bench", ["shard"] = (i % 16).ToString(CultureInfo.InvariantCulture) } },
        Data = new Dictionary<string, string> { ["phase"] = phase, ["payload"] = new string('x', 200) },
    };

    private static async Task ParallelAsync(int count, int writers, Func<int, Task> work)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                await work(i);
            }
        }));
    }

    private static async Task WatchAsync(Uri baseUri, string resourceVersion, long[] counts, int index, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = baseUri, Timeout = Timeout.InfiniteTimeSpan };
        using var response = await http.GetAsync($"api/v1/namespaces/default/configmaps?watch=true&resourceVersion={resourceVersion}", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length > 0)
            {
                Interlocked.Increment(ref counts[index]);
            }
        }
    }

    private static long Memory()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        if (at < 0)
        {
            return fallback;
        }

        return at + 1 < args.Length && int.TryParse(args[at + 1], CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"{name} expects a positive whole number");
    }
}
