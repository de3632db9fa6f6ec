using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Flywheel.Operator.Bench;

/// <summary>
/// LocalCluster in its own process, so that the operator's memory is measured without the API server's.
/// </summary>
internal sealed partial class ClusterProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private ClusterProcess(Process process, string directory, Uri address)
    {
        _process = process;
        _directory = directory;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<ClusterProcess> StartAsync()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Flywheel.LocalCluster.dll");
        var directory = Directory.CreateTempSubdirectory("flywheel-bench-").FullName;
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "exec", dll, "serve", "--port", "0", "--kubeconfig", Path.Combine(directory, "kubeconfig") })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start LocalCluster");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (Serving().Match(line) is { Success: true } match)
            {
                _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
                _ = process.StandardError.ReadToEndAsync(CancellationToken.None);
                return new ClusterProcess(process, directory, new Uri(match.Groups[1].Value));
            }
        }

        throw new InvalidOperationException("LocalCluster exited before serving: " + await process.StandardError.ReadToEndAsync(CancellationToken.None));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [GeneratedRegex("serving the Kubernetes API on (\\S+)")]
    private static partial Regex Serving();
}
