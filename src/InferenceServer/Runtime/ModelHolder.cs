using Flywheel.InferenceServer.Hosting;
using Flywheel.InferenceServer.Monitoring;

namespace Flywheel.InferenceServer.Runtime;

/// <summary>
/// The version being served, and hot reload: a new version is loaded and warmed beside the old, swapped in
/// atomically, and the old is disposed once its in-flight requests are done. A version that fails to load
/// (a digest mismatch, say) is refused with a metric and a log line, and the old one keeps serving.
/// </summary>
internal sealed class ModelHolder(ServerOptions options, ModelLoader loader, ServerMetrics metrics, ILogger logger) : IDisposable
{
    private readonly SemaphoreSlim _reloadGate = new(1, 1);
    private ServedModel? _current;
    private string? _refused;

    public ServedModel? Current => Volatile.Read(ref _current);

    /// <summary>A lease on the current version, or null before the first load; release it when done.</summary>
    public ServedModel? Acquire()
    {
        while (Volatile.Read(ref _current) is { } model)
        {
            if (model.TryAcquire())
            {
                return model;
            }
        }

        return null;
    }

    /// <summary>Loads and swaps to <paramref name="version"/> unless it is already served or was refused.</summary>
    public async Task<bool> LoadAsync(string? version, CancellationToken cancellationToken)
    {
        await _reloadGate.WaitAsync(cancellationToken);
        try
        {
            var current = Current;
            if (current is not null && (current.Version == version || _refused == version))
            {
                return false;
            }

            ServedModel next;
            try
            {
                next = await loader.LoadAsync(version, cancellationToken);
            }
            catch (ModelLoadException ex) when (current is not null)
            {
                _refused = version;
                metrics.LoadFailures.WithLabels(options.Namespace, options.ModelName, version ?? "unknown", ex.Reason).Inc();
                logger.LogError("Refused model version {Version} ({Reason}); still serving {Current}: {Message}", version, ex.Reason, current.Version, ex.Message);
                return false;
            }

            _refused = null;
            var old = Interlocked.Exchange(ref _current, next);
            metrics.ProviderInfo.WithLabels(options.Namespace, options.ModelName, next.Version, next.Provider).Set(1);
            if (old is not null)
            {
                metrics.ProviderInfo.WithLabels(options.Namespace, options.ModelName, old.Version, old.Provider).Set(0);
                logger.LogInformation("Swapped {Model} from version {Old} to {New}", options.ModelName, old.Version, next.Version);
                old.Retire();
            }

            return true;
        }
        finally
        {
            _reloadGate.Release();
        }
    }

    public void Dispose()
    {
        Interlocked.Exchange(ref _current, null)?.Retire();
        _reloadGate.Dispose();
    }
}
