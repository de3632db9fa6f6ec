using System.Diagnostics;
using Flywheel.Testing;
using k8s;
using k8s.Models;

namespace Flywheel.ApiServer.Tests.Storage;

/// <summary>The standalone program (<c>--port --kubeconfig --data-dir</c>) killed with SIGKILL keeps every acknowledged write.</summary>
public sealed class StandaloneProcessTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("flywheel-localcluster-standalone-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private sealed class Server : IAsyncDisposable
    {
        private readonly Process _process;

        private Server(Process process, Uri baseUri)
        {
            _process = process;
            BaseUri = baseUri;
        }

        public Uri BaseUri { get; }

        public static async Task<Server> StartAsync(string kubeconfig, string dataDir)
        {
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "Flywheel.LocalCluster.dll"), "--port", "0", "--kubeconfig", kubeconfig, "--data-dir", dataDir })
            {
                info.ArgumentList.Add(arg);
            }

            var process = Process.Start(info)!;
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (await process.StandardOutput.ReadLineAsync(cts.Token) is { } line)
            {
                const string Prefix = "serving the Kubernetes API on ";
                if (line.StartsWith(Prefix, StringComparison.Ordinal))
                {
                    return new Server(process, new Uri(line[Prefix.Length..]));
                }
            }

            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"the server exited before serving: {await process.StandardError.ReadToEndAsync()}");
        }

        public async Task KillAsync()
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        /// <summary>Sends SIGTERM and returns the exit code once the server has stopped.</summary>
        public async Task<int> TerminateAsync()
        {
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await _process.WaitForExitAsync(cts.Token);
            return _process.ExitCode;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                await KillAsync();
            }

            _process.Dispose();
        }
    }

    [Fact]
    public async Task Acknowledged_writes_survive_a_kill_and_the_kubeconfig_points_at_the_server()
    {
        var kubeconfig = Path.Combine(_dir, "kubeconfig");
        var data = Path.Combine(_dir, "data");
        await using (var server = await Server.StartAsync(kubeconfig, data))
        {
            var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig);
            Assert.Equal(server.BaseUri.GetLeftPart(UriPartial.Authority), config.Host.TrimEnd('/'));
            using var client = new Kubernetes(config);
            for (var i = 0; i < 50; i++)
            {
                await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = $"cm-{i}" }, Data = new Dictionary<string, string> { ["i"] = $"{i}" } }, "default");
            }

            await client.CoreV1.ReplaceNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "cm-7" }, Data = new Dictionary<string, string> { ["i"] = "seven" } }, "cm-7", "default");
            await server.KillAsync();
        }

        await using (var restarted = await Server.StartAsync(kubeconfig, data))
        {
            using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
            var items = await Poll.UntilAsync(
                async () => (await client.CoreV1.ListNamespacedConfigMapAsync("default")).Items,
                list => list.Count > 0,
                TimeSpan.FromSeconds(15),
                "the restarted server to answer");
            Assert.Equal(50, items.Count);
            Assert.Equal("seven", items.Single(c => c.Metadata.Name == "cm-7").Data["i"]);
        }
    }

    [Fact]
    public async Task Sigterm_stops_the_server_cleanly()
    {
        await using var server = await Server.StartAsync(Path.Combine(_dir, "kubeconfig"), Path.Combine(_dir, "data"));

        Assert.Equal(0, await server.TerminateAsync());
    }
}
