using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flywheel.InferenceServer.Hosting;
using Microsoft.Extensions.Logging;

namespace Flywheel.InferenceServer.Tests.Support;

/// <summary>A server started in-process on 127.0.0.1, port 0, with an HTTP client; disposed at the end.</summary>
public sealed class TestServer : IAsyncDisposable
{
    private TestServer(InferenceApp app)
    {
        App = app;
        Client = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    internal InferenceApp App { get; }

    public HttpClient Client { get; }

    internal static async Task<TestServer> StartAsync(string modelDirectory, string name = "movies", Func<ServerOptions, ServerOptions>? configure = null)
    {
        var options = new ServerOptions
        {
            ModelDirectory = modelDirectory,
            ModelName = name,
            ModelVersion = "1.0",
            Host = "127.0.0.1",
            Port = 0,
            ExecutionProvider = ExecutionProviderChoice.Cpu,
            Replica = "test-0",
            ShutdownTimeout = TimeSpan.FromSeconds(10),
        };
        options = configure?.Invoke(options) ?? options;
        return new TestServer(await InferenceApp.StartAsync(options, logLevel: LogLevel.Warning));
    }

    public Task<HttpResponseMessage> PostJsonAsync(string path, string json, string contentType = "application/json")
    {
        var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return Client.PostAsync(path, content);
    }

    public async Task<(int Status, JsonNode? Body)> PostAsync(string path, string json)
    {
        using var response = await PostJsonAsync(path, json);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null);
    }

    public async Task<(int Status, JsonNode? Body)> GetAsync(string path)
    {
        using var response = await Client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length > 0 && text[0] is '{' or '[' ? JsonNode.Parse(text) : null);
    }

    public Task<string> MetricsAsync() => Client.GetStringAsync("/metrics");

    /// <summary>A V2 request body with one row per (age, income, genre).</summary>
    public static string V2Body(params (double Age, double Income, string? Genre)[] rows) => JsonSerializer.Serialize(new
    {
        id = "req-1",
        inputs = new object[]
        {
            new { name = "age", shape = new[] { rows.Length, 1 }, datatype = "FP32", data = rows.Select(r => r.Age) },
            new { name = "income", shape = new[] { rows.Length, 1 }, datatype = "FP32", data = rows.Select(r => r.Income) },
            new { name = "genre", shape = new[] { rows.Length, 1 }, datatype = "BYTES", data = rows.Select(r => r.Genre) },
        },
    });

    public static string RecordsBody(params (double Age, double Income, string? Genre)[] rows) => JsonSerializer.Serialize(new
    {
        instances = rows.Select(r => new { age = r.Age, income = r.Income, genre = r.Genre }),
    });

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
    }
}
