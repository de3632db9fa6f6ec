using Flywheel.InferenceServer.Hosting;
using Flywheel.InferenceServer.Monitoring;
using Flywheel.InferenceServer.Pipeline;

namespace Flywheel.InferenceServer.Runtime;

/// <summary>
/// One ONNX Runtime run and everything that follows it: prediction ids, monitoring, the id store for
/// feedback and the prediction log. Called once per (possibly merged) batch.
/// </summary>
internal sealed class PredictionService(ServerOptions options, ServerMetrics metrics, PredictionIdStore idStore, PredictionLogWriter? log)
{
    private readonly Lock _lock = new();
    private (ServedModel Model, Prometheus.Histogram.Child Rows)? _batchRows;

    public PredictionIdStore IdStore => idStore;

    public PredictionBatch Process(ServedModel model, FeatureBatch batch)
    {
        var predictions = model.Run(batch);
        predictions.AssignIds(idStore.Ids);
        BatchRows(model).Observe(batch.Rows);
        if (model.Monitor is { } monitor)
        {
            monitor.Record(batch, predictions);
            idStore.Add(monitor, predictions.FirstId, predictions.ClassIndex, predictions.Rows);
        }

        if (log is not null)
        {
            var pending = log.WritePredictionsAsync(model.Schema, options.ModelName, model.Version, batch, predictions);
            if (!pending.IsCompletedSuccessfully)
            {
                // The log queue is full: wait for the disk rather than drop records or grow memory.
                pending.AsTask().GetAwaiter().GetResult();
            }
        }

        return predictions;
    }

    /// <summary>The batch-size histogram of the model's version, looked up once per version rather than per batch.</summary>
    private Prometheus.Histogram.Child BatchRows(ServedModel model)
    {
        var cached = _batchRows;
        if (cached is { } c && c.Model == model)
        {
            return c.Rows;
        }

        lock (_lock)
        {
            var rows = metrics.BatchRows.WithLabels(options.Namespace, options.ModelName, model.Version);
            _batchRows = (model, rows);
            return rows;
        }
    }
}
