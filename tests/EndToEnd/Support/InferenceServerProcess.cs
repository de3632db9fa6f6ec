using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Flywheel.Testing;

namespace Flywheel.EndToEnd.Support;

/// <summary>The built inference server run as its own process, as a pod would run it.</summary>
internal sealed class InferenceServerProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private InferenceServerProcess(ChildProcess process, int port, string modelName)
    {
        _process = process;
        Port = port;
        ModelName = modelName;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public int Port { get; }

    public string ModelName { get; }

    public HttpClient Client { get; }

    public string Target => $"127.0.0.1:{Port}";

    /// <summary>The server's assembly in the build output of src/InferenceServer, same configuration as the tests.</summary>
    public static string Assembly
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
            return Path.Combine(TestTools.RepositoryRoot, "src", "InferenceServer", "bin", configuration, "net10.0", "Flywheel.InferenceServer.dll");
        }
    }

    public static async Task<InferenceServerProcess> StartAsync(string modelDirectory, string modelName, string version, params string[] extra)
    {
        var port = Ports.Free();
        var process = ChildProcess.Start("dotnet",
        [
            Assembly, "serve",
            "--model-dir", modelDirectory,
            "--model-name", modelName,
            "--namespace", "ml",
            "--model-version", version,
            "--host", "127.0.0.1",
            "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--execution-provider", "cpu",
            .. extra,
        ]);
        var server = new InferenceServerProcess(process, port, modelName);
        try
        {
            await Poll.UntilAsync(
                async () => (await server.Client.GetAsync("v2/health/ready")).IsSuccessStatusCode,
                ready => ready || process.HasExited,
                TimeSpan.FromSeconds(60),
                $"inference server for {modelName} ready",
                interval: TimeSpan.FromMilliseconds(100),
                retryOn: Poll.IsTransient);
            if (process.HasExited)
            {
                throw new InvalidOperationException($"inference server exited: {process.Output}");
            }

            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async Task<(int Status, JsonNode? Body)> PostAsync(string path, object body)
    {
        using var response = await Client.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length > 0 && text[0] == '{' ? JsonNode.Parse(text) : null);
    }

    public string Output => _process.Output;

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _process.DisposeAsync();
    }
}
