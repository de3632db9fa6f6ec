using System.Diagnostics;
using Flywheel.Operator.Runtime.Informers;
using Flywheel.Operator.Runtime.Queue;
using Flywheel.Operator.Runtime.Reconciliation;
using k8s;
using k8s.Models;

namespace Flywheel.Operator.Runtime.Controllers;

/// <summary>
/// Runs one reconciler: informers for the kind, its owned kinds and its watched kinds feed a de-duplicating work queue, and
/// <see cref="ControllerOptions.Workers"/> workers reconcile keys, each in its own DI scope, log scope and Activity.
/// Everything is created per run, so a new leadership term starts from a fresh list.
/// </summary>
public sealed class Controller<TEntity, TReconciler> : IController
    where TEntity : class, IKubernetesObject<V1ObjectMeta>
    where TReconciler : IReconciler<TEntity>
{
    private const int MaxOwnerDepth = 4;

    private readonly ControllerRegistration<TEntity> _registration;
    private readonly IServiceScopeFactory _scopes;
    private readonly IResourceApis _apis;
    private readonly OperatorMetrics _metrics;
    private readonly ControllerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _logs;
    private readonly ILogger _logger;
    private volatile Run? _current;

    public Controller(
        ControllerRegistration<TEntity> registration,
        IServiceScopeFactory scopes,
        IResourceApis apis,
        OperatorMetrics metrics,
        ControllerOptions options,
        TimeProvider time,
        ILoggerFactory logs)
    {
        _registration = registration;
        _scopes = scopes;
        _apis = apis;
        _metrics = metrics;
        _options = options;
        _time = time;
        _logs = logs;
        _logger = logs.CreateLogger($"Flywheel.Operator.Controllers.{registration.Type.Kind}");
    }

    public string Name => _registration.Name;

    public bool IsSynced => _current is { } run && run.IsSynced;

    /// <summary>The cache of the reconciled kind during a run (null between runs).</summary>
    public ResourceCache<TEntity>? Cache => _current?.Entities.Count == 1 ? _current.Entities[0].Cache : null;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<string?> namespaces = _options.Namespaces.Count == 0 ? [null] : [.. _options.Namespaces];
        var api = _apis.For<TEntity>();
        var entityLogger = _logs.CreateLogger<ResourceInformer<TEntity>>();
        using var queue = new WorkQueue<ObjectKey>(_time, new ExponentialBackoff<ObjectKey>(_options.BackoffBase, _options.BackoffMax));
        IReadOnlyList<ResourceInformer<TEntity>> entities = [.. namespaces.Select(ns => new ResourceInformer<TEntity>(api, ns, _time, entityLogger, _options.Informer))];
        var cache = new ControllerCache<TEntity>([.. entities.Select(i => i.Cache)]);
        var run = new Run(
            queue,
            entities,
            [.. _registration.OwnedSources.Select(f => f(_apis, namespaces, _time, _logs, _options.Informer))],
            [.. _registration.WatchedSources.Select(f => f(_apis, namespaces, _time, _logs, _options.Informer, cache))]);
        _current = run;

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        foreach (var informer in run.Entities)
        {
            informer.Changed += e => Enqueue(queue, ObjectKey.From(e.Object));
        }

        var sources = run.Entities.Select(i => i.RunAsync(stop.Token))
            .Concat(run.Owned.Select(o => o.RunAsync(child => EnqueueOwner(run, child, 0), stop.Token)))
            .Concat(run.Watched.Select(w => w.RunAsync(key => Enqueue(queue, key), stop.Token)))
            .ToList();

        _logger.LogInformation(
            "Controller {Controller} starting with {Workers} workers, owning {Owned}, watching {Watched}",
            Name, _options.Workers, string.Join(", ", run.Owned.Select(o => o.Type.Kind)), string.Join(", ", run.Watched.Select(w => w.Type.Kind)));
        var workers = Enumerable.Range(0, Math.Max(1, _options.Workers)).Select(_ => WorkerAsync(run, stop.Token)).ToList();
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Shutdown or lost leadership: stop watching, let in-flight reconciles see the token, then drain.
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            queue.ShutDown();
            await Task.WhenAll(sources.Concat(workers)).ConfigureAwait(false);
            _metrics.QueueDepth.WithLabels(Name).Set(0);
            _current = null;
            _logger.LogInformation("Controller {Controller} stopped", Name);
        }
    }

    private void Enqueue(WorkQueue<ObjectKey> queue, ObjectKey key)
    {
        queue.Add(key);
        _metrics.QueueDepth.WithLabels(Name).Set(queue.Count);
    }

    private void EnqueueOwner(Run run, IKubernetesObject<V1ObjectMeta> child, int depth)
    {
        var owner = child.Metadata?.OwnerReferences?.FirstOrDefault(r => r.Controller == true);
        if (owner is null)
        {
            return;
        }

        var ns = child.Metadata!.NamespaceProperty ?? string.Empty;
        if (owner.Kind == _registration.Type.Kind && owner.ApiVersion == _registration.Type.ApiVersion)
        {
            Enqueue(run.Queue, new ObjectKey(ns, owner.Name));
            return;
        }

        // An owned kind owned by another owned kind (a Pod of a Job of a TrainingRun): climb through the cache.
        if (depth >= MaxOwnerDepth)
        {
            return;
        }

        var parentSource = run.Owned.FirstOrDefault(o => o.Type.Kind == owner.Kind && o.Type.ApiVersion == owner.ApiVersion);
        if (parentSource?.Find(new ObjectKey(ns, owner.Name)) is { } parent)
        {
            EnqueueOwner(run, parent, depth + 1);
        }
    }

    private async Task WorkerAsync(Run run, CancellationToken cancellationToken)
    {
        // Reconciling before every cache has listed would act on a partial picture of the world.
        try
        {
            while (!run.IsSynced)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), _time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            return;
        }

        while (true)
        {
            (bool Ok, ObjectKey Key) next;
            try
            {
                next = await run.Queue.GetAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (!next.Ok)
            {
                return;
            }

            _metrics.QueueDepth.WithLabels(Name).Set(run.Queue.Count);
            try
            {
                await ReconcileKeyAsync(run, next.Key, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                run.Queue.Done(next.Key);
            }
        }
    }

    private async Task ReconcileKeyAsync(Run run, ObjectKey key, CancellationToken cancellationToken)
    {
        var cached = run.Entities.Select(i => i.Cache.Get(key)).FirstOrDefault(o => o is not null);
        if (cached is null)
        {
            // Deleted: owned children go by ownerReference garbage collection.
            run.Queue.Forget(key);
            return;
        }

        // Reconcilers may mutate what they get; the cache must stay what the server said.
        var entity = KubernetesJson.Deserialize<TEntity>(KubernetesJson.Serialize(cached));
        using var logScope = _logger.BeginScope(new Dictionary<string, object>
        {
            ["Kind"] = _registration.Type.Kind,
            ["Namespace"] = key.Namespace,
            ["Name"] = key.Name,
        });
        using var activity = Telemetry.Source.StartActivity($"reconcile {_registration.Type.Kind}", ActivityKind.Internal);
        activity?.SetTag("k8s.kind", _registration.Type.Kind);
        activity?.SetTag("k8s.namespace.name", key.Namespace);
        activity?.SetTag("k8s.object.name", key.Name);
        activity?.SetTag("k8s.resource_version", cached.Metadata?.ResourceVersion);

        var started = _time.GetTimestamp();
        ReconcileOutcome outcome;
        try
        {
            await using var scope = _scopes.CreateAsyncScope();
            var reconciler = scope.ServiceProvider.GetRequiredService<TReconciler>();
            var result = await reconciler.ReconcileAsync(entity, cancellationToken).ConfigureAwait(false);
            outcome = ReconcileOutcomes.Apply(run.Queue, key, result);
            if (result.RequeueAfter is { } after)
            {
                activity?.SetTag("flywheel.requeue_after_seconds", after.TotalSeconds);
            }
        }
        catch (Exception ex)
        {
            outcome = ReconcileOutcomes.Apply(run.Queue, key, ex, cancellationToken.IsCancellationRequested);
            switch (outcome)
            {
                case ReconcileOutcome.Terminal:
                    _logger.LogWarning("Reconcile of {Kind} {Key} failed and will not be retried until the object changes: {Message}", _registration.Type.Kind, key, ex.Message);
                    break;
                case ReconcileOutcome.Error:
                    _logger.LogWarning(ex, "Reconcile of {Kind} {Key} failed; retry {Attempt} with backoff", _registration.Type.Kind, key, run.Queue.Backoff.Failures(key));
                    break;
                default:
                    break;
            }

            activity?.SetStatus(outcome == ReconcileOutcome.Canceled ? ActivityStatusCode.Unset : ActivityStatusCode.Error, ex.Message);
        }

        var elapsed = _time.GetElapsedTime(started);
        activity?.SetTag("flywheel.reconcile.result", outcome.Label());
        _metrics.Reconciles.WithLabels(Name, outcome.Label()).Inc();
        _metrics.ReconcileDuration.WithLabels(Name).Observe(elapsed.TotalSeconds);
    }

    private sealed class Run(
        WorkQueue<ObjectKey> queue, IReadOnlyList<ResourceInformer<TEntity>> entities, IReadOnlyList<IOwnedSource> owned, IReadOnlyList<IWatchedSource> watched)
    {
        public WorkQueue<ObjectKey> Queue { get; } = queue;

        public IReadOnlyList<ResourceInformer<TEntity>> Entities { get; } = entities;

        public IReadOnlyList<IOwnedSource> Owned { get; } = owned;

        public IReadOnlyList<IWatchedSource> Watched { get; } = watched;

        public bool IsSynced => Entities.All(i => i.Synced.IsCompletedSuccessfully) && Owned.All(o => o.IsSynced) && Watched.All(w => w.IsSynced);
    }
}
