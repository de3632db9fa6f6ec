using System.Globalization;
using Flywheel.Contracts.Cli;
using Flywheel.Contracts.Monitoring;

namespace Flywheel.InferenceServer.Hosting;

/// <summary>Which ONNX Runtime execution provider to use.</summary>
internal enum ExecutionProviderChoice
{
    /// <summary>CUDA when it loads, else CPU (logging why).</summary>
    Auto,
    Cuda,
    Cpu,
}

/// <summary>Everything the operator configures on a server, from arguments with environment fallbacks.</summary>
internal sealed record ServerOptions
{
    public required string ModelDirectory { get; init; }

    public required string ModelName { get; init; }

    public string Namespace { get; init; } = "default";

    /// <summary>The version to serve; null when <see cref="VersionFile"/> names it.</summary>
    public string? ModelVersion { get; init; }

    /// <summary>A file holding the version to serve; re-read on SIGHUP and every <see cref="ReloadInterval"/>.</summary>
    public string? VersionFile { get; init; }

    public TimeSpan ReloadInterval { get; init; } = TimeSpan.FromSeconds(2);

    public string Host { get; init; } = "0.0.0.0";

    /// <summary>0 picks a free port.</summary>
    public int Port { get; init; } = 8080;

    public ExecutionProviderChoice ExecutionProvider { get; init; } = ExecutionProviderChoice.Auto;

    /// <summary>Most rows merged into one ONNX Runtime run; 1 turns dynamic batching off.</summary>
    public int MaxBatchSize { get; init; } = 64;

    /// <summary>How long a batch waits for more requests; zero takes what is queued now.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.Zero;

    /// <summary>Batches that may run at once when batching is on.</summary>
    public int BatchRunners { get; init; } = 1;

    /// <summary>Requests admitted (queued or running) before new ones get 429.</summary>
    public int MaxQueue { get; init; } = 1024;

    /// <summary>Most rows one request may carry (413 above).</summary>
    public int MaxRequestRows { get; init; } = 4096;

    /// <summary>Largest request body in bytes (413 above).</summary>
    public int MaxRequestBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Rows in the sliding monitoring window.</summary>
    public int MonitoringWindow { get; init; } = 10_000;

    /// <summary>False turns distribution, drift and feedback tracking off (request metrics stay).</summary>
    public bool Monitoring { get; init; } = true;

    public DriftMethod DriftMethod { get; init; } = DriftMethod.Psi;

    /// <summary>Where prediction and feedback logs go; null writes none.</summary>
    public string? LogDirectory { get; init; }

    public string Replica { get; init; } = Environment.MachineName;

    public int IntraOpThreads { get; init; } = 1;

    public int InterOpThreads { get; init; } = 1;

    /// <summary>How long a stop waits for in-flight requests.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>The option names <c>serve</c> accepts.</summary>
    public static readonly string[] OptionNames =
    [
        "model-dir", "model-name", "namespace", "model-version", "version-file", "reload-interval-ms", "host", "port",
        "execution-provider", "max-batch-size", "max-delay-ms", "batch-runners", "max-queue", "max-request-rows", "monitoring-window",
        "monitoring", "drift-method", "log-dir", "replica", "intra-op-threads", "inter-op-threads",
    ];

    /// <summary>Reads options: an argument wins, then <c>FLYWHEEL_&lt;NAME&gt;</c> from the environment.</summary>
    public static ServerOptions From(CommandLine args, Func<string, string?> environment)
    {
        args.RejectUnknown(OptionNames);
        string? Get(string name) => args.Get(name) ?? (environment(EnvironmentName(name)) is { Length: > 0 } value ? value : null);
        string Required(string name) => Get(name)
            ?? throw new CommandLineException($"--{name} is required (or set {EnvironmentName(name)})");
        int Int(string name, int fallback, int min)
        {
            var text = Get(name);
            if (text is null)
            {
                return fallback;
            }

            return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min
                ? value
                : throw new CommandLineException($"--{name} expects a whole number of at least {min}, got \"{text}\"");
        }

        var version = Get("model-version");
        var versionFile = Get("version-file");
        var modelDir = Required("model-dir");
        if (version is null && versionFile is null && !File.Exists(Path.Combine(modelDir, "manifest.json")))
        {
            throw new CommandLineException($"--model-version or --version-file is required: {modelDir} holds no manifest.json of its own");
        }

        var provider = (Get("execution-provider") ?? "auto").ToLowerInvariant() switch
        {
            "auto" => ExecutionProviderChoice.Auto,
            "cuda" => ExecutionProviderChoice.Cuda,
            "cpu" => ExecutionProviderChoice.Cpu,
            var other => throw new CommandLineException($"--execution-provider expects auto, cuda or cpu, got \"{other}\""),
        };
        var monitoring = (Get("monitoring") ?? "on").ToLowerInvariant() switch
        {
            "on" or "true" => true,
            "off" or "false" => false,
            var other => throw new CommandLineException($"--monitoring expects on or off, got \"{other}\""),
        };
        DriftMethod drift;
        try
        {
            drift = DriftMath.ParseMethod(Get("drift-method") ?? "psi");
        }
        catch (ArgumentException ex)
        {
            throw new CommandLineException("--drift-method: " + ex.Message);
        }

        return new ServerOptions
        {
            ModelDirectory = modelDir,
            ModelName = Required("model-name"),
            Namespace = Get("namespace") ?? "default",
            ModelVersion = version,
            VersionFile = versionFile,
            ReloadInterval = TimeSpan.FromMilliseconds(Int("reload-interval-ms", 2000, 50)),
            Host = Get("host") ?? "0.0.0.0",
            Port = Int("port", 8080, 0),
            ExecutionProvider = provider,
            MaxBatchSize = Int("max-batch-size", 64, 1),
            MaxDelay = TimeSpan.FromMilliseconds(Int("max-delay-ms", 0, 0)),
            BatchRunners = Int("batch-runners", 1, 1),
            MaxQueue = Int("max-queue", 1024, 1),
            MaxRequestRows = Int("max-request-rows", 4096, 1),
            MonitoringWindow = Int("monitoring-window", 10_000, 1),
            Monitoring = monitoring,
            DriftMethod = drift,
            LogDirectory = Get("log-dir"),
            Replica = Get("replica") ?? Environment.MachineName,
            IntraOpThreads = Int("intra-op-threads", 1, 0),
            InterOpThreads = Int("inter-op-threads", 1, 0),
        };
    }

    /// <summary>The environment variable behind an option: <c>model-dir</c> → <c>FLYWHEEL_MODEL_DIR</c>.</summary>
    public static string EnvironmentName(string option) => "FLYWHEEL_" + option.Replace('-', '_').ToUpperInvariant();
}
