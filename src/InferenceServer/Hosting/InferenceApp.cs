using System.Net;
using Flywheel.InferenceServer.Monitoring;
using Flywheel.InferenceServer.Protocol;
using Flywheel.InferenceServer.Runtime;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Prometheus;

namespace Flywheel.InferenceServer.Hosting;

/// <summary>
/// A running inference server: Kestrel with the protocol endpoints and /metrics over one served model.
/// Stopping is graceful: readiness goes false, new work is refused, in-flight requests finish, then the
/// logs are flushed and the model is disposed.
/// </summary>
internal sealed class InferenceApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ModelHolder _models;
    private readonly VersionWatcher? _watcher;
    private readonly PredictionLogWriter? _log;
    private int _stopped;

    private InferenceApp(WebApplication app, ServerState state, VersionWatcher? watcher, PredictionLogWriter? log)
    {
        _app = app;
        State = state;
        _models = state.Models;
        _watcher = watcher;
        _log = log;
    }

    public ServerState State { get; }

    /// <summary>Where the server listens, such as <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    /// <summary>Completes when the host has been asked to stop (SIGTERM, or <see cref="StopAsync"/>).</summary>
    public CancellationToken Stopping => _app.Lifetime.ApplicationStopping;

    /// <summary>Loads the model (failing start-up with the reason if it cannot), then starts listening.</summary>
    public static async Task<InferenceApp> StartAsync(ServerOptions options, TimeProvider? time = null, LogLevel logLevel = LogLevel.Information, CancellationToken cancellationToken = default)
    {
        time ??= TimeProvider.System;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(logLevel);
        // With its logger enabled the host starts an Activity per request; nothing here reads it, so spare the cost.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownTimeout);
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // The body limit is enforced while reading, so that the answer is the protocol's 413 body.
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Listen(IPAddress.Parse(options.Host), options.Port);
        });
        var app = builder.Build();
        var loggers = app.Services.GetRequiredService<ILoggerFactory>();
        var logger = loggers.CreateLogger("Flywheel.InferenceServer");

        var registry = Metrics.NewCustomRegistry();
        var metrics = new ServerMetrics(registry);
        var log = options.LogDirectory is { } dir ? new PredictionLogWriter(dir, options.Replica, time) : null;
        var loader = new ModelLoader(options, metrics, logger, time);
        var models = new ModelHolder(options, loader, metrics, logger);
        try
        {
            await models.LoadAsync(VersionWatcher.ReadVersion(options), cancellationToken);
        }
        catch
        {
            models.Dispose();
            if (log is not null)
            {
                await log.DisposeAsync();
            }

            await app.DisposeAsync();
            throw;
        }

        var service = new PredictionService(options, metrics, new PredictionIdStore(new PredictionIds(), Math.Max(options.MonitoringWindow, 100_000)), log);
        var batcher = new DynamicBatcher(service, options.MaxBatchSize, options.MaxDelay, options.BatchRunners,
            metrics.QueueDepth.WithLabels(options.Namespace, options.ModelName, models.Current!.Version));
        var state = new ServerState(options, models, batcher, service, metrics, log, time);
        registry.AddBeforeCollectCallback(() => models.Current?.Monitor?.UpdateGauges());

        new MetadataEndpoints(state).Map(app);
        new InferenceEndpoints(state, logger).Map(app);
        new MonitoringEndpoints(state).Map(app);
        app.MapMetrics("/metrics", registry);
        app.Lifetime.ApplicationStopping.Register(state.BeginStopping);

        await app.StartAsync(cancellationToken);
        var watcher = options.VersionFile is not null ? new VersionWatcher(options, models, logger) : null;
        var result = new InferenceApp(app, state, watcher, log);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        result.BaseAddress = new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/");
        logger.LogInformation("Serving {Model} version {Version} on {Address}", options.ModelName, models.Current.Version, result.BaseAddress);
        return result;
    }

    /// <summary>Waits until the host is asked to stop (SIGTERM or Ctrl+C), then stops gracefully.</summary>
    public async Task RunUntilStoppedAsync()
    {
        await _app.WaitForShutdownAsync();
        await StopAsync();
    }

    /// <summary>Readiness false, refuse new work, finish in-flight requests, flush logs, dispose the model.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        State.BeginStopping();
        await _app.StopAsync();
        if (_watcher is not null)
        {
            await _watcher.DisposeAsync();
        }

        if (_log is not null)
        {
            await _log.DisposeAsync();
        }

        _models.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
    }
}
