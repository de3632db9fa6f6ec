using Flywheel.Contracts.Cli;

namespace Flywheel.ApiServer;

/// <summary>The embedded cluster's command line.</summary>
internal static class LocalClusterCli
{
    public const string Usage = """
        flywheel-localcluster — an embedded Kubernetes API server for tests and local mode.

        Usage:
          flywheel-localcluster [serve] [options]
          flywheel-localcluster <command>

        Commands:
          serve                Serve the Kubernetes API on loopback until interrupted (the default).
          version              Print the version.
          help                 Print this help.

        Options:
          --port <n>           Loopback port to listen on (default 6443; 0 picks a free one).
          --kubeconfig <path>  Write a kubeconfig for kubectl and helm here (default ./kubeconfig).
          --data-dir <dir>     Keep objects in this folder so that they survive a restart.
          -h, --help           Print this help.

        Example:
          flywheel-localcluster --port 6443 --kubeconfig /tmp/kubeconfig --data-dir /tmp/cluster
          kubectl --kubeconfig /tmp/kubeconfig get namespaces

        """;

    public static CommandDispatcher Create() =>
        new CommandDispatcher("flywheel-localcluster", Usage, defaultCommand: "serve").Add("serve", ServeAsync);

    private static async Task<int> ServeAsync(CommandLine args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        args.RejectUnknown("port", "kubeconfig", "data-dir");
        var port = args.GetInt("port", 6443);
        if (port is < 0 or > 65535)
        {
            throw new CommandLineException($"--port must be between 0 and 65535, got {port}");
        }

        var kubeconfig = Path.GetFullPath(args.GetOrDefault("kubeconfig", "kubeconfig"));
        var dataDir = args.Get("data-dir");
        await using var cluster = await LocalCluster.StartAsync(new LocalClusterOptions { Port = port, KubeconfigPath = kubeconfig, DataDirectory = dataDir }, cancellationToken);
        await stdout.WriteLineAsync($"serving the Kubernetes API on {cluster.BaseUri}");
        await stdout.WriteLineAsync($"kubeconfig: {kubeconfig}");
        if (dataDir is not null)
        {
            await stdout.WriteLineAsync($"data: {Path.GetFullPath(dataDir)}");
        }

        await stdout.FlushAsync(cancellationToken);
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Interrupted: stop cleanly so the data directory is flushed.
        }

        return 0;
    }
}
