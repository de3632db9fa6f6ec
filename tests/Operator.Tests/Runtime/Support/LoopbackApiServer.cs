using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Flywheel.Testing;
using k8s;

namespace Flywheel.Operator.Tests.Runtime.Support;

/// <summary>One request the loopback server received.</summary>
internal sealed record RecordedRequest(string Method, string PathAndQuery, string ContentType, string Body);

/// <summary>What the loopback server answers.</summary>
internal sealed record CannedResponse(int Status, string Body, IReadOnlyDictionary<string, string>? Headers = null);

/// <summary>
/// A loopback HTTP server the real Kubernetes client talks to, answering from a handler; for client-side
/// behaviour (retries, request shapes) that needs no real API server semantics.
/// </summary>
internal sealed class LoopbackApiServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<RecordedRequest, CannedResponse> _handler;
    private readonly Task _loop;

    public LoopbackApiServer(Func<RecordedRequest, CannedResponse> handler)
    {
        _handler = handler;
        Port = Ports.Free();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public KubernetesClientConfiguration Configuration => new() { Host = $"http://127.0.0.1:{Port}" };

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop.ConfigureAwait(false);
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var request = new RecordedRequest(
                context.Request.HttpMethod,
                context.Request.Url!.PathAndQuery,
                context.Request.ContentType ?? string.Empty,
                await reader.ReadToEndAsync().ConfigureAwait(false));
            Requests.Enqueue(request);
            var response = _handler(request);
            context.Response.StatusCode = response.Status;
            context.Response.ContentType = "application/json";
            foreach (var (name, value) in response.Headers ?? new Dictionary<string, string>())
            {
                context.Response.Headers[name] = value;
            }

            var bytes = Encoding.UTF8.GetBytes(response.Body);
            await context.Response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
            context.Response.Close();
        }
    }
}
