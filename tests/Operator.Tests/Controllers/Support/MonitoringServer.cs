using System.Net;
using System.Text;
using System.Text.Json;
using Flywheel.Contracts.Monitoring;
using Flywheel.Testing;

namespace Flywheel.Operator.Tests.Controllers.Support;

/// <summary>A loopback stand-in for an inference pod's monitoring endpoint, serving whatever summary the test sets.</summary>
internal sealed class MonitoringServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    public MonitoringServer()
    {
        Port = Ports.Free();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public MonitoringSummary? Summary { get; set; }

    public int Requests { get; private set; }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            Requests++;
            var summary = Summary;
            var body = summary is null ? "{}" : JsonSerializer.Serialize(summary, new JsonSerializerOptions(JsonSerializerDefaults.Web));
            context.Response.StatusCode = summary is null ? 503 : 200;
            context.Response.ContentType = "application/json";
            var bytes = Encoding.UTF8.GetBytes(body);
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }
}
