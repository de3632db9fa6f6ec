using System.Diagnostics;
using System.Net;
using System.Text;
using Flywheel.Testing;

namespace Flywheel.Operator.Tests.Triggers;

/// <summary>
/// A real Prometheus (Debian's package) scraping a loopback endpoint that serves whatever exposition text the test
/// sets, every second. Both are stopped on dispose.
/// </summary>
internal sealed class PrometheusFixture : IAsyncDisposable
{
    private readonly HttpListener _exporter = new();
    private readonly Task _exporterLoop;
    private readonly Process _prometheus;
    private readonly string _directory;

    private PrometheusFixture(string directory, int exporterPort, int prometheusPort)
    {
        _directory = directory;
        _exporter.Prefixes.Add($"http://127.0.0.1:{exporterPort}/");
        _exporter.Start();
        _exporterLoop = Task.Run(ServeAsync);
        Url = $"http://127.0.0.1:{prometheusPort}";
        var config = Path.Combine(directory, "prometheus.yml");
        File.WriteAllText(config, $"global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: inference\n    static_configs:\n      - targets: ['127.0.0.1:{exporterPort}']\n");
        var info = new ProcessStartInfo(TestTools.Prometheus) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(directory, "data")}", $"--web.listen-address=127.0.0.1:{prometheusPort}", "--log.level=warn" })
        {
            info.ArgumentList.Add(arg);
        }

        _prometheus = Process.Start(info)!;
        _ = _prometheus.StandardOutput.ReadToEndAsync();
        _ = _prometheus.StandardError.ReadToEndAsync();
    }

    public string Url { get; }

    /// <summary>The Prometheus text exposition the scraped endpoint serves.</summary>
    public string Exposition { get; set; } = string.Empty;

    public static async Task<PrometheusFixture> StartAsync()
    {
        var fixture = new PrometheusFixture(Directory.CreateTempSubdirectory("flywheel-prom-").FullName, Ports.Free(), Ports.Free());
        try
        {
            using var http = new HttpClient();
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (true)
            {
                try
                {
                    if ((await http.GetAsync(fixture.Url + "/-/ready")).IsSuccessStatusCode)
                    {
                        return fixture;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                if (fixture._prometheus.HasExited || DateTime.UtcNow > deadline)
                {
                    throw new InvalidOperationException("Prometheus did not become ready");
                }

                await Task.Delay(50);
            }
        }
        catch
        {
            await fixture.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_prometheus.HasExited)
        {
            _prometheus.Kill(entireProcessTree: true);
            await _prometheus.WaitForExitAsync();
        }

        _prometheus.Dispose();
        _exporter.Stop();
        _exporter.Close();
        await _exporterLoop;
        Directory.Delete(_directory, recursive: true);
    }

    private async Task ServeAsync()
    {
        while (_exporter.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _exporter.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var bytes = Encoding.UTF8.GetBytes(Exposition);
            context.Response.ContentType = "text/plain; version=0.0.4";
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }
}
