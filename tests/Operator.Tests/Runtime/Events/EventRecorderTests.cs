using System.Text.Json.Nodes;
using Flywheel.Operator.Runtime.Api;
using Flywheel.Operator.Runtime.Events;
using Flywheel.Operator.Runtime.Informers;
using Flywheel.Operator.Runtime.Resilience;
using Flywheel.Operator.Tests.Runtime.Support;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Flywheel.Operator.Tests.Runtime.Events;

public sealed class EventRecorderTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));

    private static readonly V1ConfigMap Subject = new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = new V1ObjectMeta { Name = "model-a", NamespaceProperty = "ml", Uid = "u-1", ResourceVersion = "4" },
    };

    private static CannedResponse Echo(RecordedRequest request) =>
        request.Method == "POST" ? new(201, request.Body) : new(200, """{"apiVersion":"v1","kind":"Event","metadata":{"name":"x"}}""");

    private EventRecorder Recorder(LoopbackApiServer server, Kubernetes client) =>
        new(client, new KubeApi(new KubernetesResourceApis(client), KubernetesResilience.CreatePipeline(new ResilienceOptions { BaseDelay = TimeSpan.FromMilliseconds(1) }, TimeProvider.System)), _time, NullLogger<EventRecorder>.Instance);

    [Fact]
    public async Task The_first_event_is_created_with_the_involved_object()
    {
        await using var server = new LoopbackApiServer(Echo);
        using var client = new Kubernetes(server.Configuration);

        await Recorder(server, client).RecordAsync(Subject, EventType.Normal, "TrainingStarted", "Started training run model-a-1", CancellationToken.None);

        var request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/api/v1/namespaces/ml/events", request.PathAndQuery);
        var body = JsonNode.Parse(request.Body)!;
        Assert.Equal("TrainingStarted", (string?)body["reason"]);
        Assert.Equal("Normal", (string?)body["type"]);
        Assert.Equal(1, (int?)body["count"]);
        Assert.Equal("u-1", (string?)body["involvedObject"]!["uid"]);
        Assert.Equal("ConfigMap", (string?)body["involvedObject"]!["kind"]);
        Assert.Equal("flywheel-operator", (string?)body["source"]!["component"]);
        Assert.StartsWith("model-a.", (string?)body["metadata"]!["name"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Repeats_bump_the_count_and_different_events_are_separate()
    {
        await using var server = new LoopbackApiServer(Echo);
        using var client = new Kubernetes(server.Configuration);
        var recorder = Recorder(server, client);

        await recorder.RecordAsync(Subject, EventType.Warning, "InvalidSpec", "spec.replicas must be at least 1", CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(1));
        await recorder.RecordAsync(Subject, EventType.Warning, "InvalidSpec", "spec.replicas must be at least 1", CancellationToken.None);
        await recorder.RecordAsync(Subject, EventType.Warning, "InvalidSpec", "spec.replicas must be at least 1", CancellationToken.None);
        await recorder.RecordAsync(Subject, EventType.Warning, "InvalidSpec", "spec.model is required", CancellationToken.None);

        var requests = server.Requests.ToArray();
        Assert.Equal(["POST", "PATCH", "PATCH", "POST"], requests.Select(r => r.Method));
        var created = (string?)JsonNode.Parse(requests[0].Body)!["metadata"]!["name"];
        Assert.Equal($"/api/v1/namespaces/ml/events/{created}", requests[1].PathAndQuery);
        Assert.Equal(2, (int?)JsonNode.Parse(requests[1].Body)!["count"]);
        Assert.Equal(3, (int?)JsonNode.Parse(requests[2].Body)!["count"]);
        Assert.Equal("2025-03-01T12:01:00Z", (string?)JsonNode.Parse(requests[2].Body)!["lastTimestamp"]);
    }

    [Fact]
    public async Task Different_events_at_the_same_instant_get_different_names()
    {
        await using var server = new LoopbackApiServer(Echo);
        using var client = new Kubernetes(server.Configuration);
        var recorder = Recorder(server, client);

        await recorder.RecordAsync(Subject, EventType.Normal, "Promoted", "version 1.0 promoted", CancellationToken.None);
        await recorder.RecordAsync(Subject, EventType.Normal, "RolledOut", "version 1.0 serving", CancellationToken.None);

        var names = server.Requests.Select(r => (string?)JsonNode.Parse(r.Body)!["metadata"]!["name"]).ToArray();
        Assert.Equal(2, names.Length);
        Assert.NotEqual(names[0], names[1]);
        Assert.All(names, n => Assert.StartsWith("model-a.", n, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_repeat_after_the_dedup_window_starts_a_new_event()
    {
        await using var server = new LoopbackApiServer(Echo);
        using var client = new Kubernetes(server.Configuration);
        var recorder = Recorder(server, client);

        await recorder.RecordAsync(Subject, EventType.Normal, "Promoted", "Promoted 1.1", CancellationToken.None);
        _time.Advance(EventRecorder.DedupWindow + TimeSpan.FromSeconds(1));
        await recorder.RecordAsync(Subject, EventType.Normal, "Promoted", "Promoted 1.1", CancellationToken.None);

        Assert.Equal(["POST", "POST"], server.Requests.Select(r => r.Method));
    }

    [Fact]
    public async Task A_failing_server_never_fails_the_caller()
    {
        await using var server = new LoopbackApiServer(_ => new CannedResponse(403, """{"kind":"Status","code":403}"""));
        using var client = new Kubernetes(server.Configuration);

        await Recorder(server, client).RecordAsync(Subject, EventType.Normal, "Any", "message", CancellationToken.None);

        Assert.Single(server.Requests);
    }
}
