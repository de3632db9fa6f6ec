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
    private readonly PredictionIds _ids = new();

    public PredictionIdStore IdStore => idStore;

    public PredictionBatch Process(ServedModel model, FeatureBatch batch)
    {
        var predictions = model.Run(batch);
        _ids.Fill(predictions.Ids, predictions.Rows);
        metrics.BatchRows.WithLabels(options.Namespace, options.ModelName, model.Version).Observe(batch.Rows);
        if (model.Monitor is { } monitor)
        {
            monitor.Record(batch, predictions);
            idStore.Add(monitor, predictions.Ids, predictions.ClassIndex, predictions.Rows);
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
}
