using System.Diagnostics;
using Flywheel.ApiServer;
using Flywheel.Operator.Runtime.Controllers;
using Flywheel.Operator.Runtime.Queue;
using Flywheel.Operator.Runtime.Reconciliation;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;

namespace Flywheel.Bench.OperatorRuntime;

/// <summary>
/// Throughput of the controller runtime: the work queue alone, then list+watch+reconcile of ConfigMaps
/// against the in-process API server. Prints one table.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var objects = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 500;
        var rows = new List<(string Name, string Value)>();

        foreach (var workers in new[] { 1, 4 })
        {
            var (items, elapsed) = await QueueThroughputAsync(200_000, workers);
            rows.Add(($"work queue add+get+done, {workers} worker(s)", $"{items / elapsed.TotalSeconds / 1e6:F2} M items/s"));
        }

        var (initial, watched) = await ControllerThroughputAsync(objects);
        rows.Add(($"reconcile after initial list ({objects} objects)", $"{objects / initial.TotalSeconds:F0} objects/s ({initial.TotalMilliseconds:F0} ms)"));
        rows.Add(($"create → watch → reconcile ({objects} objects)", $"{objects / watched.TotalSeconds:F0} objects/s ({watched.TotalMilliseconds:F0} ms)"));

        var width = rows.Max(r => r.Name.Length);
        Console.WriteLine($"| {"measure".PadRight(width)} | result |");
        Console.WriteLine($"| {new string('-', width)} | ------ |");
        foreach (var (name, value) in rows)
        {
            Console.WriteLine($"| {name.PadRight(width)} | {value} |");
        }

        return 0;
    }

    private static async Task<(int Items, TimeSpan Elapsed)> QueueThroughputAsync(int items, int workers)
    {
        using var queue = new WorkQueue<int>(TimeProvider.System);
        var done = 0;
        var stopwatch = Stopwatch.StartNew();
        var consumers = Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var (ok, item) = await queue.GetAsync(CancellationToken.None);
                if (!ok)
                {
                    return;
                }

                queue.Done(item);
                Interlocked.Increment(ref done);
            }
        })).ToArray();
        for (var i = 0; i < items; i++)
        {
            queue.Add(i);
        }

        while (Volatile.Read(ref done) < items)
        {
            await Task.Yield();
        }

        stopwatch.Stop();
        queue.ShutDown();
        await Task.WhenAll(consumers);
        return (items, stopwatch.Elapsed);
    }

    private static async Task<(TimeSpan Initial, TimeSpan Watched)> ControllerThroughputAsync(int objects)
    {
        await using var cluster = await LocalCluster.StartAsync();
        using var client = new Kubernetes(cluster.ClientConfiguration);
        for (var i = 0; i < objects; i++)
        {
            await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = $"initial-{i}" } }, "default");
        }

        var counter = new Counter();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IKubernetes>(client);
        services.AddSingleton(Metrics.NewCustomRegistry());
        services.AddSingleton(new ControllerOptions { Namespaces = ["default"], Workers = 4 });
        services.AddSingleton(counter);
        services.AddController<V1ConfigMap, CountingReconciler>();
        await using var provider = services.BuildServiceProvider();
        using var cts = new CancellationTokenSource();
        var stopwatch = Stopwatch.StartNew();
        var run = provider.GetRequiredService<ControllerManager>().RunAsync(cts.Token);
        await counter.WaitForAsync(objects);
        var initial = stopwatch.Elapsed;

        stopwatch.Restart();
        for (var i = 0; i < objects; i++)
        {
            await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = $"watched-{i}" } }, "default");
        }

        await counter.WaitForAsync(2 * objects);
        var watched = stopwatch.Elapsed;
        await cts.CancelAsync();
        await run;
        return (initial, watched);
    }

    internal sealed class Counter
    {
        private int _count;

        public void Increment() => Interlocked.Increment(ref _count);

        public async Task WaitForAsync(int count)
        {
            var deadline = Stopwatch.StartNew();
            while (Volatile.Read(ref _count) < count)
            {
                if (deadline.Elapsed > TimeSpan.FromSeconds(60))
                {
                    throw new TimeoutException($"only {_count} of {count} reconciles within 60 s");
                }

                await Task.Delay(1);
            }
        }
    }

    internal sealed class CountingReconciler(Counter counter) : IReconciler<V1ConfigMap>
    {
        public Task<ReconcileResult> ReconcileAsync(V1ConfigMap entity, CancellationToken cancellationToken)
        {
            counter.Increment();
            return Task.FromResult(ReconcileResult.Done);
        }
    }
}
