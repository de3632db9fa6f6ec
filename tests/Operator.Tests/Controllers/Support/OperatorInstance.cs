using Flywheel.Operator.Builders;
using Flywheel.Operator.Controllers;
using Flywheel.Operator.Runtime.Controllers;
using Flywheel.Operator.Runtime.LeaderElection;
using Flywheel.Operator.Runtime.Resilience;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Prometheus;

namespace Flywheel.Operator.Tests.Controllers.Support;

/// <summary>
/// One operator process as the host wires it (the four controllers, optionally under leader election), run in the
/// background against a cluster until disposed.
/// </summary>
internal sealed class OperatorInstance : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    private readonly Kubernetes _client;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;
    private bool _disposed;

    public OperatorInstance(KubernetesClientConfiguration config, OperatorSettings settings, string? identity = null)
    {
        _client = new Kubernetes(config);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IKubernetes>(_client);
        services.AddSingleton(Registry);
        services.AddSingleton(new ResilienceOptions { BaseDelay = TimeSpan.FromMilliseconds(10), MaxRetryAttempts = 3 });
        services.AddSingleton(new ControllerOptions { Namespaces = [OperatorCluster.Ns], Workers = 2, BackoffBase = TimeSpan.FromMilliseconds(20), BackoffMax = TimeSpan.FromSeconds(2) });
        services.AddFlywheelControllers(settings);
        _provider = services.BuildServiceProvider();
        var manager = _provider.GetRequiredService<ControllerManager>();
        if (identity is null)
        {
            _run = manager.RunAsync(_stop.Token);
            return;
        }

        Election = new LeaderElectedRunner(_client, new LeaderElectionOptions
        {
            LeaseName = "flywheel-operator",
            LeaseNamespace = OperatorCluster.Ns,
            Identity = identity,
            LeaseDuration = TimeSpan.FromSeconds(2),
            RenewDeadline = TimeSpan.FromSeconds(1.5),
            RetryPeriod = TimeSpan.FromMilliseconds(200),
        }, NullLogger<LeaderElectedRunner>.Instance);
        _run = Election.RunAsync(manager.RunAsync, _stop.Token);
    }

    public LeaderElectedRunner? Election { get; }

    /// <summary>The operator's Prometheus registry (reconcile counters by controller and result).</summary>
    public CollectorRegistry Registry { get; } = Metrics.NewCustomRegistry();

    /// <summary>Reconciles of a controller that ended with a result (success, requeue, error, terminal).</summary>
    public double Reconciles(string controller, string result) =>
        Metrics.WithCustomRegistry(Registry).CreateCounter(
            Flywheel.Contracts.Metrics.MetricNames.OperatorReconciles.Name, Flywheel.Contracts.Metrics.MetricNames.OperatorReconciles.Help,
            new CounterConfiguration { LabelNames = Flywheel.Contracts.Metrics.MetricNames.OperatorReconciles.LabelNames }).WithLabels(controller, result).Value;

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _stop.CancelAsync();
        await _run;

        await _provider.DisposeAsync();
        _client.Dispose();
        _stop.Dispose();
    }
}
