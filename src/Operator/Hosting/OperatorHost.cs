using Flywheel.Operator.Runtime;
using Flywheel.Operator.Runtime.Controllers;
using Flywheel.Operator.Runtime.LeaderElection;
using k8s;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Prometheus;

namespace Flywheel.Operator.Hosting;

/// <summary>Builds the operator process: settings, Kubernetes client, controller runtime, endpoints and tracing.</summary>
public static class OperatorHost
{
    /// <summary>
    /// Creates the host. <paramref name="configureControllers"/> registers the controllers
    /// (<c>services.AddController&lt;Model, ModelController&gt;().Owns&lt;TrainingRun&gt;()</c>).
    /// </summary>
    public static WebApplication Build(IReadOnlyList<string> args, Action<IServiceCollection, OperatorOptions> configureControllers, KubernetesClientConfiguration? kubernetes = null)
    {
        ArgumentNullException.ThrowIfNull(configureControllers);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Configuration.AddOperatorSources(args);
        var options = OperatorConfiguration.Bind(builder.Configuration);
        builder.WebHost.UseKestrel(k => k.ListenAnyIP(options.Port));
        // The HTTP client factory logs every call (Prometheus queries, pod summaries) at Information, failures with
        // their stack: a failed source is reported on the object's status instead, so keep only warnings.
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton<IKubernetes>(_ => new Kubernetes(kubernetes ?? ClientConfiguration(options)));
        services.AddSingleton(options.ToLeaderElectionOptions());
        services.AddSingleton<LeaderElectedRunner>();
        services.AddSingleton(new ControllerOptions { Namespaces = options.Namespaces, Workers = options.Workers });
        services.AddSingleton(NewRegistry());
        services.AddControllerRuntime();
        configureControllers(services, options);
        services.AddHostedService<ControllerHostService>();

        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("flywheel-operator", serviceVersion: Contracts.Cli.CommandDispatcher.InformationalVersion))
            .WithTracing(tracing =>
            {
                tracing.AddSource(Telemetry.SourceName);
                if (!string.IsNullOrEmpty(options.OtlpEndpoint))
                {
                    tracing.AddOtlpExporter(o => o.Endpoint = new Uri(options.OtlpEndpoint));
                }
            });

        var app = builder.Build();
        app.MapOperatorEndpoints();
        return app;
    }

    private static KubernetesClientConfiguration ClientConfiguration(OperatorOptions options) =>
        !string.IsNullOrEmpty(options.Kubeconfig) ? KubernetesClientConfiguration.BuildConfigFromConfigFile(options.Kubeconfig)
        : KubernetesClientConfiguration.IsInCluster() ? KubernetesClientConfiguration.InClusterConfig()
        : KubernetesClientConfiguration.BuildConfigFromConfigFile();

    private static CollectorRegistry NewRegistry()
    {
        // A registry per host (not the static default) keeps hosts in one process — tests — apart,
        // and without the runtime's event-counter metrics, which break promtool's naming lint.
        var registry = Metrics.NewCustomRegistry();
        return registry;
    }
}
