using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Flywheel.Testing;

namespace Flywheel.EndToEnd.Support;

/// <summary>A real Prometheus (Debian's package) scraping the given targets every second.</summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    private readonly ChildProcess _process;
    private readonly string _directory;

    private PrometheusServer(ChildProcess process, string directory, Uri baseAddress)
    {
        _process = process;
        _directory = directory;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public HttpClient Client { get; }

    public Uri BaseAddress => Client.BaseAddress!;

    public static async Task<PrometheusServer> StartAsync(IReadOnlyDictionary<string, IReadOnlyList<string>> jobs)
    {
        var directory = Directory.CreateTempSubdirectory("flywheel-prometheus-").FullName;
        var config = new StringBuilder("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n");
        foreach (var (job, targets) in jobs)
        {
            config.Append("  - job_name: ").Append(job).Append('\n')
                .Append("    static_configs:\n      - targets: [")
                .Append(string.Join(", ", targets.Select(t => $"'{t}'")))
                .Append("]\n");
        }

        var configPath = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(configPath, config.ToString());
        var port = Ports.Free();
        var process = ChildProcess.Start(TestTools.Prometheus,
        [
            $"--config.file={configPath}",
            $"--storage.tsdb.path={Path.Combine(directory, "data")}",
            $"--web.listen-address=127.0.0.1:{port}",
            "--log.level=warn",
        ]);
        var server = new PrometheusServer(process, directory, new Uri($"http://127.0.0.1:{port}/"));
        try
        {
            await Poll.UntilAsync(
                async () => (await server.Client.GetAsync("-/ready")).IsSuccessStatusCode,
                ready => ready || process.HasExited,
                TimeSpan.FromSeconds(60),
                "Prometheus ready",
                interval: TimeSpan.FromMilliseconds(100),
                retryOn: Poll.IsTransient);
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Prometheus exited: {process.Output}");
            }

            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs an instant query and returns its result vector (or scalar) as JSON.</summary>
    public async Task<JsonArray> QueryAsync(string promql)
    {
        var url = "api/v1/query?query=" + Uri.EscapeDataString(promql) + "&time=" + DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var body = await Client.GetFromJsonAsync<JsonObject>(url) ?? throw new InvalidOperationException("empty answer");
        if ((string?)body["status"] != "success")
        {
            throw new InvalidOperationException($"query failed: {promql}: {body}");
        }

        var result = body["data"]!["result"]!;
        return result as JsonArray ?? [result.DeepClone()];
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _process.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
