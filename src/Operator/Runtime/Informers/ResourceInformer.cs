using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Flywheel.Operator.Runtime.Informers;

/// <summary>
/// Keeps a <see cref="ResourceCache{T}"/> of one kind in step with the API server: list, then watch from the
/// list's resource version, resume the watch where it ended, relist when the server answers 410 Gone
/// (the resource version was compacted away), and re-deliver every cached object each resync period.
/// </summary>
public sealed class ResourceInformer<T> where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly IResourceApi<T> _api;
    private readonly string? _namespace;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly InformerOptions _options;
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _lists;

    public ResourceInformer(IResourceApi<T> api, string? @namespace, TimeProvider time, ILogger logger, InformerOptions? options = null)
    {
        _api = api;
        _namespace = @namespace;
        _time = time;
        _logger = logger;
        _options = options ?? new InformerOptions();
    }

    public ResourceType Type => _api.Type;

    public ResourceCache<T> Cache { get; } = new();

    /// <summary>Completes once the first list has filled the cache.</summary>
    public Task Synced => _synced.Task;

    /// <summary>How many times the informer listed (1 + relists).</summary>
    public int Lists => Volatile.Read(ref _lists);

    /// <summary>Raised for every change, on the informer's loop; handlers must be quick (enqueue, do not reconcile).</summary>
    public event Action<ResourceEvent<T>>? Changed;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var resync = ResyncLoopAsync(cancellationToken);
        try
        {
            await WatchLoopAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _synced.TrySetCanceled(cancellationToken);
            await resync.ConfigureAwait(false);
        }
    }

    private async Task WatchLoopAsync(CancellationToken cancellationToken)
    {
        string? resourceVersion = null;
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (resourceVersion is null)
                {
                    resourceVersion = await ListAsync(cancellationToken).ConfigureAwait(false);
                }

                Exception? watchError = null;
                await foreach (var (type, obj) in _api.WatchAsync(_namespace, resourceVersion, e => watchError ??= e, cancellationToken).ConfigureAwait(false))
                {
                    resourceVersion = obj.Metadata?.ResourceVersion is { Length: > 0 } rv ? rv : resourceVersion;
                    Apply(type, obj);
                }

                if (IsGone(watchError))
                {
                    _logger.LogInformation("Watch of {Resource} expired (410 Gone); relisting", _api.Type);
                    resourceVersion = null;
                }
                else if (watchError is not null)
                {
                    throw watchError;
                }

                failures = 0;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (IsGone(ex))
            {
                _logger.LogInformation("Watch of {Resource} from resource version {ResourceVersion} is too old (410 Gone); relisting", _api.Type, resourceVersion);
                resourceVersion = null;
            }
            catch (Exception ex)
            {
                var delay = RetryDelay(failures++);
                _logger.LogWarning(ex, "List or watch of {Resource} failed; retrying in {Delay}", _api.Type, delay);
                try
                {
                    await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task<string> ListAsync(CancellationToken cancellationToken)
    {
        var list = await _api.ListAsync(_namespace, cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _lists);
        var before = Cache.List().ToDictionary(ObjectKey.From);
        var gone = Cache.Replace(list.Items);
        foreach (var old in gone)
        {
            Raise(new(ResourceEventType.Deleted, old, old));
        }

        foreach (var obj in list.Items)
        {
            var old = before.GetValueOrDefault(ObjectKey.From(obj));
            if (old is null)
            {
                Raise(new(ResourceEventType.Added, obj));
            }
            else if (old.Metadata?.ResourceVersion != obj.Metadata?.ResourceVersion)
            {
                Raise(new(ResourceEventType.Modified, obj, old));
            }
        }

        _synced.TrySetResult();
        return list.ResourceVersion;
    }

    private void Apply(WatchEventType type, T obj)
    {
        switch (type)
        {
            case WatchEventType.Added:
            case WatchEventType.Modified:
                var old = Cache.Upsert(obj);
                Raise(new(old is null ? ResourceEventType.Added : ResourceEventType.Modified, obj, old));
                break;
            case WatchEventType.Deleted:
                var removed = Cache.Remove(ObjectKey.From(obj));
                Raise(new(ResourceEventType.Deleted, obj, removed));
                break;
            default:
                // Bookmarks only move the resource version forward.
                break;
        }
    }

    private async Task ResyncLoopAsync(CancellationToken cancellationToken)
    {
        if (_options.ResyncPeriod <= TimeSpan.Zero)
        {
            return;
        }

        while (true)
        {
            try
            {
                await Task.Delay(_options.ResyncPeriod, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            foreach (var obj in Cache.List())
            {
                Raise(new(ResourceEventType.Resync, obj));
            }
        }
    }

    private void Raise(ResourceEvent<T> change)
    {
        try
        {
            Changed?.Invoke(change);
        }
        catch (Exception ex)
        {
            // A failing handler must not stop the informer and starve every other handler.
            _logger.LogError(ex, "Handler of {Resource} events failed", _api.Type);
        }
    }

    private TimeSpan RetryDelay(int failures)
    {
        var ticks = _options.RetryDelay.Ticks * Math.Pow(2, Math.Min(failures, 20));
        return ticks >= _options.MaxRetryDelay.Ticks ? _options.MaxRetryDelay : TimeSpan.FromTicks((long)ticks);
    }

    private static bool IsGone(Exception? ex) => ex switch
    {
        KubernetesException { Status.Code: (int)HttpStatusCode.Gone } => true,
        HttpOperationException { Response.StatusCode: HttpStatusCode.Gone } => true,
        _ => false,
    };
}
