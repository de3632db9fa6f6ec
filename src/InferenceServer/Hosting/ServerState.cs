using Flywheel.InferenceServer.Monitoring;
using Flywheel.InferenceServer.Runtime;

namespace Flywheel.InferenceServer.Hosting;

/// <summary>What the endpoints share: the served model, the batcher, metrics, logs and admission control.</summary>
internal sealed class ServerState(
    ServerOptions options, ModelHolder models, DynamicBatcher batcher, PredictionService predictions, ServerMetrics metrics, PredictionLogWriter? log, TimeProvider time)
{
    private int _admitted;
    private volatile bool _stopping;

    public ServerOptions Options { get; } = options;

    public ModelHolder Models { get; } = models;

    public DynamicBatcher Batcher { get; } = batcher;

    public PredictionService Predictions { get; } = predictions;

    public ServerMetrics Metrics { get; } = metrics;

    public PredictionLogWriter? Log { get; } = log;

    public TimeProvider Time { get; } = time;

    /// <summary>True once shutdown began: readiness goes false and new work is refused.</summary>
    public bool Stopping => _stopping;

    public bool Ready => !_stopping && Models.Current is not null;

    public void BeginStopping() => _stopping = true;

    /// <summary>Admits a request unless <see cref="ServerOptions.MaxQueue"/> are already in; pair with <see cref="Leave"/>.</summary>
    public bool TryAdmit()
    {
        if (Interlocked.Increment(ref _admitted) > Options.MaxQueue)
        {
            Interlocked.Decrement(ref _admitted);
            return false;
        }

        return true;
    }

    public void Leave() => Interlocked.Decrement(ref _admitted);
}
