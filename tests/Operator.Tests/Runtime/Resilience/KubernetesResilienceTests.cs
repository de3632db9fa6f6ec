using System.Net;
using Flywheel.Operator.Runtime.Api;
using Flywheel.Operator.Runtime.Informers;
using Flywheel.Operator.Runtime.Resilience;
using Flywheel.Operator.Tests.Runtime.Support;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Flywheel.Operator.Tests.Runtime.Resilience;

public sealed class KubernetesResilienceTests
{
    private static readonly ResilienceOptions Fast = new()
    {
        MaxRetryAttempts = 4,
        BaseDelay = TimeSpan.FromMilliseconds(1),
        MaxDelay = TimeSpan.FromMilliseconds(20),
        AttemptTimeout = TimeSpan.FromSeconds(10),
    };

    private const string ConfigMapJson = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","namespace":"ns","resourceVersion":"7"},"data":{"k":"v"}}""";

    private static CannedResponse Status(int code, string reason) =>
        new(code, $$"""{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"{{reason}}","code":{{code}}}""");

    private static KubeApi Api(LoopbackApiServer server, out Kubernetes client)
    {
        client = new Kubernetes(server.Configuration);
        return new KubeApi(new KubernetesResourceApis(client), KubernetesResilience.CreatePipeline(Fast, TimeProvider.System));
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    [InlineData(429)]
    public async Task Transient_statuses_are_retried_until_the_call_succeeds(int status)
    {
        var calls = 0;
        await using var server = new LoopbackApiServer(_ => Interlocked.Increment(ref calls) <= 2
            ? Status(status, "ServerTimeout") with { Headers = new Dictionary<string, string> { ["Retry-After"] = "0" } }
            : new CannedResponse(200, ConfigMapJson));
        var api = Api(server, out var client);
        using (client)
        {
            var map = await api.ReadAsync<V1ConfigMap>("ns", "cm", CancellationToken.None);

            Assert.Equal("v", map!.Data["k"]);
        }

        Assert.Equal(3, server.Requests.Count);
        Assert.All(server.Requests, r => Assert.Equal("/api/v1/namespaces/ns/configmaps/cm", r.PathAndQuery));
    }

    [Fact]
    public async Task Retries_stop_after_the_configured_attempts()
    {
        await using var server = new LoopbackApiServer(_ => Status(500, "InternalError"));
        var api = Api(server, out var client);
        using (client)
        {
            var ex = await Assert.ThrowsAsync<HttpOperationException>(() => api.ReadAsync<V1ConfigMap>("ns", "cm", CancellationToken.None));
            Assert.Equal(HttpStatusCode.InternalServerError, ex.Response.StatusCode);
        }

        Assert.Equal(1 + Fast.MaxRetryAttempts, server.Requests.Count);
    }

    [Fact]
    public async Task Client_errors_are_not_retried_and_not_found_reads_as_null()
    {
        await using var server = new LoopbackApiServer(r => r.PathAndQuery.Contains("missing", StringComparison.Ordinal)
            ? Status(404, "NotFound")
            : Status(422, "Invalid"));
        var api = Api(server, out var client);
        using (client)
        {
            Assert.Null(await api.ReadAsync<V1ConfigMap>("ns", "missing", CancellationToken.None));
            var ex = await Assert.ThrowsAsync<HttpOperationException>(() => api.ReadAsync<V1ConfigMap>("ns", "bad", CancellationToken.None));
            Assert.Equal(HttpStatusCode.UnprocessableEntity, ex.Response.StatusCode);
        }

        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task Apply_is_a_forced_server_side_apply_by_the_operator_field_manager()
    {
        await using var server = new LoopbackApiServer(_ => new CannedResponse(200, ConfigMapJson));
        var api = Api(server, out var client);
        using (client)
        {
            await api.ApplyAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "cm", NamespaceProperty = "ns" }, Data = new Dictionary<string, string> { ["k"] = "v" } }, CancellationToken.None);
        }

        var request = Assert.Single(server.Requests);
        Assert.Equal("PATCH", request.Method);
        Assert.StartsWith("/api/v1/namespaces/ns/configmaps/cm?", request.PathAndQuery, StringComparison.Ordinal);
        Assert.Contains("fieldManager=flywheel-operator", request.PathAndQuery, StringComparison.Ordinal);
        Assert.Contains("force=true", request.PathAndQuery, StringComparison.Ordinal);
        Assert.StartsWith("application/apply-patch+yaml", request.ContentType, StringComparison.Ordinal);
        Assert.Contains("\"kind\":\"ConfigMap\"", request.Body, StringComparison.Ordinal);
        Assert.Contains("\"apiVersion\":\"v1\"", request.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void Connection_failures_and_client_timeouts_are_transient_but_caller_cancellation_is_not()
    {
        using var canceled = new CancellationTokenSource();
        canceled.Cancel();

        Assert.True(KubernetesResilience.IsTransient(new HttpRequestException("connection refused"), CancellationToken.None));
        Assert.True(KubernetesResilience.IsTransient(new TaskCanceledException("HttpClient.Timeout"), CancellationToken.None));
        Assert.False(KubernetesResilience.IsTransient(new TaskCanceledException(), canceled.Token));
        Assert.False(KubernetesResilience.IsTransient(new InvalidOperationException(), CancellationToken.None));
    }
}
