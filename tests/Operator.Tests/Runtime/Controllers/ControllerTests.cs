using System.Collections.Concurrent;
using Flywheel.Contracts.Metrics;
using Flywheel.Operator.Runtime;
using Flywheel.Operator.Runtime.Controllers;
using Flywheel.Operator.Runtime.Informers;
using Flywheel.Operator.Runtime.Reconciliation;
using Flywheel.Operator.Tests.Runtime.Support;
using Flywheel.Testing;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;

namespace Flywheel.Operator.Tests.Runtime.Controllers;

public sealed class ControllerTests
{
    private readonly InMemoryResourceApis _apis = new();
    private readonly ReconcileLog _log = new();
    private readonly CollectorRegistry _registry = Metrics.NewCustomRegistry();

    private ServiceProvider Build(Action<ControllerBuilder<V1ConfigMap>>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IResourceApis>(_apis);
        services.AddSingleton(_registry);
        services.AddSingleton(new ControllerOptions
        {
            Workers = 3,
            BackoffBase = TimeSpan.FromMilliseconds(20),
            BackoffMax = TimeSpan.FromMilliseconds(200),
        });
        services.AddSingleton(_log);
        var builder = services.AddController<V1ConfigMap, RecordingReconciler>();
        configure?.Invoke(builder);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }

    private static V1ConfigMap Parent(string name, string behavior = "ok") => new()
    {
        Metadata = new V1ObjectMeta { NamespaceProperty = "ns", Name = name, Uid = $"uid-{name}" },
        Data = new Dictionary<string, string> { ["behavior"] = behavior },
    };

    private static V1OwnerReference ControllerRef(string apiVersion, string kind, string name) =>
        new() { ApiVersion = apiVersion, Kind = kind, Name = name, Uid = $"uid-{name}", Controller = true };

    [Fact]
    public async Task Reconciles_existing_objects_each_in_its_own_scope()
    {
        _apis.Of<V1ConfigMap>().Put(Parent("a"));
        _apis.Of<V1ConfigMap>().Put(Parent("b"));
        await using var provider = Build();
        var manager = provider.GetRequiredService<ControllerManager>();
        using var cts = new CancellationTokenSource();
        var run = manager.RunAsync(cts.Token);

        await Poll.UntilAsync(() => _log.Count("ns/a") >= 1 && _log.Count("ns/b") >= 1, TimeSpan.FromSeconds(20), "both objects are reconciled");
        await Poll.UntilAsync(() => manager.IsSynced, TimeSpan.FromSeconds(20), "the manager reports synced");
        await cts.CancelAsync();
        await run;

        Assert.Equal(_log.Calls.Count, _log.Scopes.Distinct().Count());
        Assert.True(_log.DisposedScopes >= _log.Calls.Count);
        Assert.False(manager.IsRunning);
    }

    [Fact]
    public async Task A_change_to_an_owned_child_enqueues_its_owner_even_through_an_owned_job()
    {
        _apis.Of<V1ConfigMap>().Put(Parent("owner"));
        await using var provider = Build(b => b.Owns<V1Job>().Owns<V1Pod>());
        var manager = provider.GetRequiredService<ControllerManager>();
        using var cts = new CancellationTokenSource();
        var run = manager.RunAsync(cts.Token);
        await Poll.UntilAsync(() => _log.Count("ns/owner") == 1 && manager.IsSynced, TimeSpan.FromSeconds(20), "the first reconcile");

        _apis.Of<V1Job>().Put(new V1Job
        {
            Metadata = new V1ObjectMeta { NamespaceProperty = "ns", Name = "owner-train", OwnerReferences = [ControllerRef("v1", "ConfigMap", "owner")] },
        });
        await Poll.UntilAsync(() => _log.Count("ns/owner") == 2, TimeSpan.FromSeconds(20), "the Job change enqueues its owner");

        _apis.Of<V1Pod>().Put(new V1Pod
        {
            Metadata = new V1ObjectMeta { NamespaceProperty = "ns", Name = "owner-train-x1", OwnerReferences = [ControllerRef("batch/v1", "Job", "owner-train")] },
        });
        await Poll.UntilAsync(() => _log.Count("ns/owner") == 3, TimeSpan.FromSeconds(20), "the Pod change climbs Pod → Job → owner");

        // A child with no controller reference, or another controller's, enqueues nothing.
        _apis.Of<V1Job>().Put(new V1Job
        {
            Metadata = new V1ObjectMeta { NamespaceProperty = "ns", Name = "stray", OwnerReferences = [ControllerRef("apps/v1", "Deployment", "owner")] },
        });
        _apis.Of<V1ConfigMap>().Put(Parent("sentinel"));
        await Poll.UntilAsync(() => _log.Count("ns/sentinel") == 1, TimeSpan.FromSeconds(20), "a later event is processed");
        await cts.CancelAsync();
        await run;

        Assert.Equal(3, _log.Count("ns/owner"));
    }

    [Fact]
    public async Task Errors_retry_with_backoff_until_success_and_terminal_errors_stop()
    {
        _apis.Of<V1ConfigMap>().Put(Parent("flaky", "fail-twice"));
        _apis.Of<V1ConfigMap>().Put(Parent("invalid", "terminal"));
        await using var provider = Build();
        var manager = provider.GetRequiredService<ControllerManager>();
        using var cts = new CancellationTokenSource();
        var run = manager.RunAsync(cts.Token);

        await Poll.UntilAsync(() => _log.Count("ns/flaky") == 3, TimeSpan.FromSeconds(20), "two failures then a success");
        _apis.Of<V1ConfigMap>().Put(Parent("sentinel"));
        await Poll.UntilAsync(() => _log.Count("ns/sentinel") == 1, TimeSpan.FromSeconds(20), "a later event is processed");
        await cts.CancelAsync();
        await run;

        Assert.Equal(1, _log.Count("ns/invalid"));
        Assert.Equal(3, _log.Count("ns/flaky"));
        var reconciles = await MetricsText(_registry);
        Assert.Contains($"{MetricNames.OperatorReconciles.Name}{{controller=\"configmap\",result=\"error\"}} 2", reconciles, StringComparison.Ordinal);
        Assert.Contains($"{MetricNames.OperatorReconciles.Name}{{controller=\"configmap\",result=\"terminal\"}} 1", reconciles, StringComparison.Ordinal);
        Assert.Contains($"{MetricNames.OperatorReconcileDuration.Name}_count{{controller=\"configmap\"}}", reconciles, StringComparison.Ordinal);
        Assert.Contains(MetricNames.OperatorQueueDepth.Name, reconciles, StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_key_is_never_reconciled_by_two_workers_at_once()
    {
        _apis.Of<V1ConfigMap>().Put(Parent("busy", "slow"));
        await using var provider = Build();
        var manager = provider.GetRequiredService<ControllerManager>();
        using var cts = new CancellationTokenSource();
        var run = manager.RunAsync(cts.Token);
        await Poll.UntilAsync(() => _log.Count("ns/busy") >= 1, TimeSpan.FromSeconds(20), "the first reconcile starts");

        for (var i = 0; i < 20; i++)
        {
            _apis.Of<V1ConfigMap>().Put(Parent("busy", "slow"));
        }

        await Poll.UntilAsync(() => _log.Count("ns/busy") >= 2, TimeSpan.FromSeconds(20), "changes during a reconcile run it again afterwards");
        await cts.CancelAsync();
        await run;

        Assert.Equal(1, _log.MaxConcurrent);
        Assert.InRange(_log.Count("ns/busy"), 2, 4);
    }

    [Fact]
    public async Task Reconcilers_get_a_copy_and_cannot_corrupt_the_cache()
    {
        _apis.Of<V1ConfigMap>().Put(Parent("a", "mutate"));
        await using var provider = Build();
        var controller = provider.GetRequiredService<Controller<V1ConfigMap, RecordingReconciler>>();
        using var cts = new CancellationTokenSource();
        var run = controller.RunAsync(cts.Token);

        await Poll.UntilAsync(() => _log.Count("ns/a") == 1, TimeSpan.FromSeconds(20), "the reconcile ran");
        Assert.Equal("mutate", controller.Cache!.Get("ns", "a")!.Data["behavior"]);
        await cts.CancelAsync();
        await run;
    }

    [Fact]
    public void Registering_two_controllers_for_one_kind_names_the_kind()
    {
        var services = new ServiceCollection();
        services.AddController<V1ConfigMap, RecordingReconciler>();

        var ex = Assert.Throws<InvalidOperationException>(() => services.AddController<V1ConfigMap, RecordingReconciler>());
        Assert.Contains("V1ConfigMap", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_kind_is_watched_through_one_map_and_the_registration_lists_it()
    {
        var services = new ServiceCollection();
        var builder = services.AddController<V1ConfigMap, RecordingReconciler>().Owns<V1Job>().Watches<V1Secret>(s => [ObjectKey.From(s)]);

        Assert.Equal([typeof(V1Secret)], builder.Registration.WatchedTypes);
        Assert.Equal([typeof(V1Job)], builder.Registration.OwnedTypes);
        var ex = Assert.Throws<InvalidOperationException>(() => builder.Watches<V1Secret>((s, cache) => []));
        Assert.Contains("already watches V1Secret", ex.Message, StringComparison.Ordinal);
    }

    internal static async Task<string> MetricsText(CollectorRegistry registry)
    {
        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    internal sealed class ReconcileLog
    {
        private int _concurrent;
        private int _maxConcurrent;
        private int _disposed;

        public ConcurrentQueue<string> Calls { get; } = new();

        public ConcurrentBag<Guid> Scopes { get; } = [];

        public int MaxConcurrent => Volatile.Read(ref _maxConcurrent);

        public int DisposedScopes => Volatile.Read(ref _disposed);

        public int Count(string key) => Calls.Count(c => c == key);

        public void Enter()
        {
            var now = Interlocked.Increment(ref _concurrent);
            int max;
            while (now > (max = Volatile.Read(ref _maxConcurrent)) && Interlocked.CompareExchange(ref _maxConcurrent, now, max) != max)
            {
            }
        }

        public void Exit() => Interlocked.Decrement(ref _concurrent);

        public void ScopeDisposed() => Interlocked.Increment(ref _disposed);
    }

    internal sealed class RecordingReconciler(ReconcileLog log) : IReconciler<V1ConfigMap>, IDisposable
    {
        private readonly Guid _scope = Guid.NewGuid();

        public async Task<ReconcileResult> ReconcileAsync(V1ConfigMap entity, CancellationToken cancellationToken)
        {
            var key = ObjectKey.From(entity).ToString();
            var attempt = log.Count(key);
            log.Scopes.Add(_scope);
            log.Enter();
            try
            {
                var behavior = entity.Data["behavior"];
                if (behavior == "slow")
                {
                    await Task.Delay(150, cancellationToken);
                }

                if (behavior == "mutate")
                {
                    entity.Data["behavior"] = "changed by the reconciler";
                }

                if (behavior == "terminal")
                {
                    throw new TerminalReconcileException("spec is invalid");
                }

                if (behavior == "fail-twice" && attempt < 2)
                {
                    throw new InvalidOperationException("transient");
                }

                return ReconcileResult.Done;
            }
            finally
            {
                log.Exit();
                log.Calls.Enqueue(key);
            }
        }

        public void Dispose() => log.ScopeDisposed();
    }
}
