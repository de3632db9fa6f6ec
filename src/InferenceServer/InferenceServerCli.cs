using Flywheel.Contracts.Cli;
using Flywheel.InferenceServer.Hosting;
using Flywheel.InferenceServer.Runtime;

namespace Flywheel.InferenceServer;

/// <summary>The inference server's command line.</summary>
internal static class InferenceServerCli
{
    public const string Usage = """
        flywheel-inference — serves one Flywheel model version over the Open Inference Protocol.

        Usage:
          flywheel-inference <command> [options]

        Commands:
          serve                Load a model version and serve it until SIGTERM.
          version              Print the server version.
          help                 Print this help.

        Options of serve (each falls back to the environment variable in brackets):
          --model-dir <dir>              The model's folder, <store>/<namespace>/<model>, holding one folder per
                                         version with model.onnx and manifest.json; or a version folder itself.
                                         [FLYWHEEL_MODEL_DIR]
          --model-name <name>            Name served at /v2/models/<name>. [FLYWHEEL_MODEL_NAME]
          --namespace <ns>               Namespace label of the metrics (default "default"). [FLYWHEEL_NAMESPACE]
          --model-version <v>            Version folder to serve. [FLYWHEEL_MODEL_VERSION]
          --version-file <file>          Hot reload: a file whose first line names the version to serve. It is
                                         re-read every --reload-interval-ms (default 2000) and at once on SIGHUP;
                                         a new version is loaded and warmed beside the old, swapped in, and the
                                         old one is disposed when its requests are done. A version whose sha256
                                         differs from its manifest is refused and the old one keeps serving.
                                         [FLYWHEEL_VERSION_FILE]
          --host <addr>                  Address to listen on (default 0.0.0.0). [FLYWHEEL_HOST]
          --port <n>                     Port (default 8080; 0 picks a free one). [FLYWHEEL_PORT]
          --execution-provider <p>       auto (CUDA, else CPU and log why), cuda (fail if CUDA does not load) or
                                         cpu (default auto). [FLYWHEEL_EXECUTION_PROVIDER]
          --intra-op-threads <n>         ONNX Runtime threads per run (default 1; 0 lets it choose).
          --inter-op-threads <n>         ONNX Runtime inter-op threads (default 1).
          --max-batch-size <n>           Dynamic batching: most rows merged into one run; 1 turns it off
                                         (default 64). [FLYWHEEL_MAX_BATCH_SIZE]
          --max-delay-ms <n>             How long a batch waits for more rows (default 0: take what is queued).
          --batch-runners <n>            Batches that may run at once (default 1).
          --max-queue <n>                Requests in progress before new ones get 429 (default 1024).
          --max-request-rows <n>         Most rows in one request; more get 413 (default 4096).
          --monitoring on|off            Input, prediction and feedback monitoring (default on).
          --monitoring-window <n>        Rows in the sliding drift window (default 10000).
                                         [FLYWHEEL_MONITORING_WINDOW]
          --drift-method <m>             psi, jensenShannon or wasserstein (default psi).
          --log-dir <dir>                Write prediction and feedback JSONL logs here, one file per replica per
                                         hour (default: no logs). [FLYWHEEL_LOG_DIR]
          --replica <id>                 Replica name in log file names (default: the host name).
                                         [FLYWHEEL_REPLICA]

        Endpoints: /v2, /v2/health/live, /v2/health/ready, /v2/models/<name>[/versions/<v>][/ready|/infer],
        /v2/models/<name>/predict (records), /v2/models/<name>/feedback, /v2/models/<name>/monitoring, /metrics.

        Options:
          -h, --help           Print this help.

        """;

    public static CommandDispatcher Create() => new CommandDispatcher("flywheel-inference", Usage).Add("serve", ServeAsync);

    private static async Task<int> ServeAsync(CommandLine args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var options = ServerOptions.From(args, Environment.GetEnvironmentVariable);
        InferenceApp app;
        try
        {
            app = await InferenceApp.StartAsync(options, cancellationToken: cancellationToken);
        }
        catch (ModelLoadException ex)
        {
            await stderr.WriteLineAsync($"flywheel-inference serve: cannot serve {options.ModelName}: {ex.Message}");
            return 1;
        }

        await stdout.WriteLineAsync($"flywheel-inference: serving {options.ModelName} version {app.State.Models.Current?.Version} on {app.BaseAddress}");
        await using (app)
        {
            await app.RunUntilStoppedAsync();
        }

        return 0;
    }
}
