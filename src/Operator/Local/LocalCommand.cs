using Flywheel.Contracts.Cli;
using Flywheel.Operator.Hosting;

namespace Flywheel.Operator.Local;

/// <summary>
/// <c>flywheel-operator local [--demo]</c>: Flywheel's embedded default. Starts the API server, a node
/// that runs Pods as local processes, the CRDs and the operator; prints the kubectl line to use it.
/// </summary>
internal static class LocalCommand
{
    public static CommandHandler Create(Action<IServiceCollection, OperatorOptions> registerControllers) =>
        (args, stdout, stderr, cancellationToken) => RunAsync(args, registerControllers, stdout, cancellationToken);

    private static async Task<int> RunAsync(CommandLine args, Action<IServiceCollection, OperatorOptions> registerControllers, TextWriter stdout, CancellationToken cancellationToken)
    {
        args.RejectUnknown("port", "data-dir", "demo", "prometheus-url", "configuration");
        var root = RepositoryRoot();
        var options = new LocalModeOptions
        {
            Port = args.GetInt("port", 0),
            DataDirectory = args.GetOrDefault("data-dir", Path.Combine(root, ".flywheel")),
            PrometheusUrl = args.GetOrDefault("prometheus-url", string.Empty),
            Demo = args.Has("demo"),
            Configuration = args.GetOrDefault("configuration", BuildConfiguration()),
            RepositoryRoot = root,
        };
        if (options.PrometheusUrl.Length > 0 && !Uri.TryCreate(options.PrometheusUrl, UriKind.Absolute, out _))
        {
            throw new CommandLineException($"--prometheus-url expects an http(s) URL such as http://127.0.0.1:9090, got \"{options.PrometheusUrl}\"");
        }

        // A fresh state each run: local mode is a sandbox, not a cluster to keep.
        if (Directory.Exists(options.DataDirectory))
        {
            Directory.Delete(options.DataDirectory, recursive: true);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            var narrator = new Narrator(stdout);
            narrator.Begin("Start the local cluster, node and operator");
            await using var stack = await LocalStack.StartAsync(options, registerControllers, stdout, stop.Token);
            narrator.End($"API server and operator up; state in {options.DataDirectory}");
            await stdout.WriteLineAsync();
            await stdout.WriteLineAsync($"  kubectl --kubeconfig {stack.KubeconfigPath} get flywheel");
            await stdout.WriteLineAsync();

            if (!options.Demo)
            {
                await stdout.WriteLineAsync("Running; press Ctrl+C to stop (every process it started stops with it).");
                await Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, CancellationToken.None);
                return 0;
            }

            var demo = new DemoScenario(stack, narrator, Path.Combine(root, "deploy", "samples", "churn"));
            try
            {
                await demo.RunAsync(stop.Token);
            }
            catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
            {
                narrator.Say($"demo stopped: {ex.Message}");
                narrator.Summary();
                return 1;
            }

            narrator.Summary();
            return 0;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>The repository this program was built from: the folder above its binaries that holds Operator.sln.</summary>
    private static string RepositoryRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Operator.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new CommandLineException("local mode runs from a Flywheel checkout (it runs the built trainer and inference server); no Operator.sln found above this program or the current folder");
    }

    /// <summary>Release or Debug, whichever this program was built as.</summary>
    private static string BuildConfiguration() =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
}
