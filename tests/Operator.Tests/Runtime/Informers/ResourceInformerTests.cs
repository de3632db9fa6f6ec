using Flywheel.Operator.Runtime.Informers;
using Flywheel.Operator.Tests.Runtime.Support;
using Flywheel.Testing;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Flywheel.Operator.Tests.Runtime.Informers;

public sealed class ResourceInformerTests
{
    private static V1ConfigMap Map(string ns, string name, string value = "1") => new()
    {
        Metadata = new V1ObjectMeta { NamespaceProperty = ns, Name = name },
        Data = new Dictionary<string, string> { ["v"] = value },
    };

    [Fact]
    public async Task Lists_then_follows_the_watch()
    {
        var api = new InMemoryResourceApi<V1ConfigMap>();
        api.Put(Map("a", "one"));
        var informer = new ResourceInformer<V1ConfigMap>(api, null, TimeProvider.System, NullLogger.Instance);
        var seen = new List<(ResourceEventType, string)>();
        informer.Changed += e =>
        {
            lock (seen)
            {
                seen.Add((e.Type, e.Object.Metadata.Name));
            }
        };
        using var cts = new CancellationTokenSource();
        var run = informer.RunAsync(cts.Token);

        await informer.Synced.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("1", informer.Cache.Get("a", "one")!.Data["v"]);
        await Poll.UntilAsync(() => api.OpenWatches == 1, TimeSpan.FromSeconds(20), "the watch is open");

        api.Put(Map("a", "one", "2"));
        api.Put(Map("b", "two"));
        api.Delete("a", "one");

        await Poll.UntilAsync(() => informer.Cache.Get("a", "one") is null && informer.Cache.Get("b", "two") is not null, TimeSpan.FromSeconds(20), "the cache follows the watch");
        await cts.CancelAsync();
        await run;
        Assert.Equal(
            [(ResourceEventType.Added, "one"), (ResourceEventType.Modified, "one"), (ResourceEventType.Added, "two"), (ResourceEventType.Deleted, "one")],
            seen);
        Assert.Equal(1, informer.Lists);
    }

    [Fact]
    public async Task A_dropped_watch_resumes_from_the_last_resource_version_without_relisting()
    {
        var api = new InMemoryResourceApi<V1ConfigMap>();
        var informer = new ResourceInformer<V1ConfigMap>(api, null, TimeProvider.System, NullLogger.Instance);
        using var cts = new CancellationTokenSource();
        var run = informer.RunAsync(cts.Token);
        await informer.Synced.WaitAsync(TimeSpan.FromSeconds(10));
        await Poll.UntilAsync(() => api.OpenWatches == 1, TimeSpan.FromSeconds(20), "the watch is open");

        api.DropWatches();
        api.Put(Map("a", "while-dropped"));

        await Poll.UntilAsync(() => informer.Cache.Get("a", "while-dropped") is not null, TimeSpan.FromSeconds(20), "the event made during the drop arrives");
        Assert.Equal(1, informer.Lists);
        Assert.True(api.WatchCalls >= 2);
        await cts.CancelAsync();
        await run;
    }

    [Fact]
    public async Task Gone_after_a_dropped_watch_relists_and_reports_deletions_missed_meanwhile()
    {
        var api = new InMemoryResourceApi<V1ConfigMap>();
        api.Put(Map("a", "stays"));
        api.Put(Map("a", "goes"));
        var informer = new ResourceInformer<V1ConfigMap>(api, "a", TimeProvider.System, NullLogger.Instance);
        var deleted = new List<string>();
        informer.Changed += e =>
        {
            if (e.Type == ResourceEventType.Deleted)
            {
                lock (deleted)
                {
                    deleted.Add(e.Object.Metadata.Name);
                }
            }
        };
        using var cts = new CancellationTokenSource();
        var run = informer.RunAsync(cts.Token);
        await informer.Synced.WaitAsync(TimeSpan.FromSeconds(10));
        await Poll.UntilAsync(() => api.OpenWatches == 1, TimeSpan.FromSeconds(20), "the watch is open");

        // The connection drops, objects change, and the server compacts the history the informer would resume from.
        api.Pause();
        api.DropWatches();
        api.Delete("a", "goes");
        api.Put(Map("a", "new"));
        api.Compact();
        api.Resume();

        await Poll.UntilAsync(() => informer.Lists == 2, TimeSpan.FromSeconds(20), "the informer relists after 410 Gone");
        await Poll.UntilAsync(() => informer.Cache.Get("a", "new") is not null, TimeSpan.FromSeconds(20), "the relist fills the cache");
        Assert.Null(informer.Cache.Get("a", "goes"));
        Assert.NotNull(informer.Cache.Get("a", "stays"));
        Assert.Equal(["goes"], deleted);
        await cts.CancelAsync();
        await run;
    }

    [Fact]
    public async Task Resync_redelivers_every_cached_object_on_the_clock()
    {
        var time = new FakeTimeProvider();
        var api = new InMemoryResourceApi<V1ConfigMap>();
        api.Put(Map("a", "one"));
        api.Put(Map("a", "two"));
        var informer = new ResourceInformer<V1ConfigMap>(api, null, time, NullLogger.Instance, new InformerOptions { ResyncPeriod = TimeSpan.FromMinutes(5) });
        var resyncs = 0;
        informer.Changed += e =>
        {
            if (e.Type == ResourceEventType.Resync)
            {
                Interlocked.Increment(ref resyncs);
            }
        };
        using var cts = new CancellationTokenSource();
        var run = informer.RunAsync(cts.Token);
        await informer.Synced.WaitAsync(TimeSpan.FromSeconds(10));

        time.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(0, Volatile.Read(ref resyncs));
        time.Advance(TimeSpan.FromMinutes(1));

        await Poll.UntilAsync(() => Volatile.Read(ref resyncs) == 2, TimeSpan.FromSeconds(20), "both objects are re-delivered");
        await cts.CancelAsync();
        await run;
    }
}
