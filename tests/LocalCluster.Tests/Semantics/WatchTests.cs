using System.Net;
using Flywheel.Testing;
using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using k8s.Models;

namespace Flywheel.ApiServer.Tests.Semantics;

/// <summary>Watches, resumption, 410 Gone, bookmarks, the fault seam and leader election through a Lease.</summary>
public sealed class WatchTests : IAsyncLifetime
{
    private LocalCluster _cluster = null!;
    private Kubernetes _client = null!;

    public async Task InitializeAsync()
    {
        _cluster = await LocalCluster.StartAsync(new LocalClusterOptions { WatchHistory = 2_000, BookmarkInterval = TimeSpan.FromMilliseconds(200) });
        _client = new Kubernetes(_cluster.ClientConfiguration);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _cluster.DisposeAsync();
    }

    private static V1ConfigMap Counter(int value) => new()
    {
        Metadata = new V1ObjectMeta { Name = "counter" },
        Data = new Dictionary<string, string> { ["n"] = value.ToString(System.Globalization.CultureInfo.InvariantCulture) },
    };

#pragma warning disable CS0618 // The typed Watch helpers are marked obsolete in KubernetesClient 21 but are the documented way to watch built-in kinds.
    private IAsyncEnumerable<(WatchEventType Type, V1ConfigMap Object)> Watch(string? resourceVersion, CancellationToken cancellationToken, bool bookmarks = false) =>
        _client.CoreV1.ListNamespacedConfigMapWithHttpMessagesAsync("default", resourceVersion: resourceVersion, watch: true, allowWatchBookmarks: bookmarks, cancellationToken: cancellationToken)
            .WatchAsync<V1ConfigMap, V1ConfigMapList>(cancellationToken: cancellationToken);
#pragma warning restore CS0618

    [Fact]
    public async Task A_watch_resumed_from_a_resource_version_loses_and_duplicates_nothing_across_1000_updates()
    {
        var created = await _client.CoreV1.CreateNamespacedConfigMapAsync(Counter(0), "default");
        var writer = Task.Run(async () =>
        {
            for (var i = 1; i <= 1000; i++)
            {
                await _client.CoreV1.ReplaceNamespacedConfigMapAsync(Counter(i), "counter", "default");
            }
        });

        var seen = new List<int>();
        var versions = new HashSet<string>();
        var resumeFrom = created.Metadata.ResourceVersion;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var segments = 0;
        while (seen.Count < 1000)
        {
            segments++;
            using var segment = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
            var taken = 0;
            try
            {
                await foreach (var (type, obj) in Watch(resumeFrom, segment.Token))
                {
                    Assert.Equal(WatchEventType.Modified, type);
                    Assert.True(versions.Add(obj.Metadata.ResourceVersion), $"duplicate event at resourceVersion {obj.Metadata.ResourceVersion}");
                    seen.Add(int.Parse(obj.Data["n"], System.Globalization.CultureInfo.InvariantCulture));
                    resumeFrom = obj.Metadata.ResourceVersion;
                    if (++taken == 150 || seen.Count == 1000)
                    {
                        // Stop this watch mid-stream and resume from the last version seen.
                        break;
                    }
                }
            }
            catch (OperationCanceledException) when (!cts.IsCancellationRequested)
            {
            }
        }

        await writer;
        Assert.True(segments >= 7, $"expected the watch to be resumed several times, got {segments} segments");
        Assert.Equal(Enumerable.Range(1, 1000), seen);
    }

    [Fact]
    public async Task A_resource_version_older_than_the_history_gets_410_expired()
    {
        var first = await _client.CoreV1.CreateNamespacedConfigMapAsync(Counter(0), "default");
        for (var i = 1; i <= 2_100; i++)
        {
            await _client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch($"{{\"data\":{{\"n\":\"{i}\"}}}}", V1Patch.PatchType.MergePatch), "counter", "default");
        }

        using var http = new HttpClient { BaseAddress = _cluster.BaseUri };
        var body = await http.GetStringAsync($"api/v1/namespaces/default/configmaps?watch=true&resourceVersion={first.Metadata.ResourceVersion}");
        Assert.Contains("\"type\":\"ERROR\"", body);
        Assert.Contains("\"code\":410", body);
        Assert.Contains("\"reason\":\"Expired\"", body);
        Assert.Contains("too old resource version", body);
    }

    [Fact]
    public async Task Bookmarks_arrive_when_asked_for()
    {
        var created = await _client.CoreV1.CreateNamespacedConfigMapAsync(Counter(0), "default");
        using var http = new HttpClient { BaseAddress = _cluster.BaseUri };
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var response = await http.GetAsync($"api/v1/namespaces/default/configmaps?watch=true&allowWatchBookmarks=true&resourceVersion={created.Metadata.ResourceVersion}", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
        var line = await reader.ReadLineAsync(cts.Token);

        Assert.NotNull(line);
        Assert.Contains("\"type\":\"BOOKMARK\"", line);
        Assert.Contains($"\"resourceVersion\":\"{created.Metadata.ResourceVersion}\"", line);
    }

    [Fact]
    public async Task Injected_faults_fail_the_matching_requests_then_stop()
    {
        await _client.CoreV1.CreateNamespacedConfigMapAsync(Counter(0), "default");
        _cluster.Faults.FailNext("get", "configmaps", count: 2, statusCode: 503);

        var first = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => _client.CoreV1.ReadNamespacedConfigMapAsync("counter", "default"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.Response.StatusCode);
        Assert.Equal(1, _cluster.Faults.Pending);
        var list = await _client.CoreV1.ListNamespacedConfigMapAsync("default");
        Assert.Single(list.Items);
        await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => _client.CoreV1.ReadNamespacedConfigMapAsync("counter", "default"));
        Assert.Equal("0", (await _client.CoreV1.ReadNamespacedConfigMapAsync("counter", "default")).Data["n"]);
    }

    [Fact]
    public async Task Dropping_watches_ends_open_streams()
    {
        var created = await _client.CoreV1.CreateNamespacedConfigMapAsync(Counter(0), "default");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var events = 0;
        var watching = Task.Run(async () =>
        {
            await foreach (var _ in Watch(created.Metadata.ResourceVersion, cts.Token))
            {
                events++;
            }
        });

        await _client.CoreV1.ReplaceNamespacedConfigMapAsync(Counter(1), "counter", "default");
        await Poll.UntilAsync(() => events == 1, TimeSpan.FromSeconds(15), "the first event");
        var dropped = await Poll.UntilAsync(() => Task.FromResult(_cluster.Faults.DropWatches()), d => d > 0, TimeSpan.FromSeconds(15), "a watch to drop");

        await watching.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, dropped);
        Assert.False(cts.IsCancellationRequested);
    }

    [Fact]
    public async Task Two_leader_electors_through_one_lease_elect_exactly_one_leader()
    {
        var leaders = new List<string>();
        var gate = new Lock();
        LeaderElector Elector(string identity)
        {
            var elector = new LeaderElector(new LeaderElectionConfig(new LeaseLock(_client, "default", "flywheel-operator", identity))
            {
                LeaseDuration = TimeSpan.FromSeconds(3),
                RenewDeadline = TimeSpan.FromSeconds(2),
                RetryPeriod = TimeSpan.FromMilliseconds(200),
            });
            elector.OnStartedLeading += () =>
            {
                lock (gate)
                {
                    leaders.Add(identity);
                }
            };
            return elector;
        }

        using var a = Elector("a");
        using var b = Elector("b");
        using var cts = new CancellationTokenSource();
        var runA = a.RunUntilLeadershipLostAsync(cts.Token);
        var runB = b.RunUntilLeadershipLostAsync(cts.Token);

        await Poll.UntilAsync(() => a.IsLeader() || b.IsLeader(), TimeSpan.FromSeconds(15), "a leader");
        // Let several renew/retry periods pass: the follower must keep failing to acquire.
        var end = DateTime.UtcNow.AddSeconds(2);
        while (DateTime.UtcNow < end)
        {
            Assert.False(a.IsLeader() && b.IsLeader(), "both electors lead at once");
            await Task.Delay(50);
        }

        lock (gate)
        {
            Assert.Single(leaders);
        }

        var lease = await _client.CoordinationV1.ReadNamespacedLeaseAsync("flywheel-operator", "default");
        Assert.Equal(leaders[0], lease.Spec.HolderIdentity);
        await cts.CancelAsync();
        await Task.WhenAll(runA, runB).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    [Fact]
    public async Task Send_initial_events_ends_the_initial_state_with_a_marked_bookmark()
    {
        await _client.CoreV1.CreateNamespacedConfigMapAsync(Counter(0), "default");
        using var http = new HttpClient { BaseAddress = _cluster.BaseUri };
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var response = await http.GetAsync("api/v1/namespaces/default/configmaps?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));

        var first = await reader.ReadLineAsync(cts.Token);
        var second = await reader.ReadLineAsync(cts.Token);

        Assert.Contains("\"type\":\"ADDED\"", first);
        Assert.Contains("\"name\":\"counter\"", first);
        Assert.Contains("\"type\":\"BOOKMARK\"", second);
        Assert.Contains("\"k8s.io/initial-events-end\":\"true\"", second);
    }

    [Fact]
    public async Task A_label_selected_watch_sees_objects_enter_and_leave_the_selection()
    {
        var created = await _client.CoreV1.CreateNamespacedConfigMapAsync(Counter(0), "default");
        using var http = new HttpClient { BaseAddress = _cluster.BaseUri };
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var response = await http.GetAsync($"api/v1/namespaces/default/configmaps?watch=true&labelSelector=team%3Dblue&resourceVersion={created.Metadata.ResourceVersion}", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));

        await _client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("{\"metadata\":{\"labels\":{\"team\":\"blue\"}}}", V1Patch.PatchType.MergePatch), "counter", "default");
        await _client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("{\"data\":{\"n\":\"1\"}}", V1Patch.PatchType.MergePatch), "counter", "default");
        await _client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("{\"metadata\":{\"labels\":{\"team\":\"red\"}}}", V1Patch.PatchType.MergePatch), "counter", "default");

        var types = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var line = await reader.ReadLineAsync(cts.Token);
            types.Add(System.Text.Json.Nodes.JsonNode.Parse(line!)!["type"]!.ToString());
        }

        Assert.Equal(["ADDED", "MODIFIED", "DELETED"], types);
    }
}
