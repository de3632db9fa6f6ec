using Flywheel.Contracts.Artifacts;
using Flywheel.Trainer.Data;
using Flywheel.Trainer.Export;
using Flywheel.Trainer.Features;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Flywheel.Trainer.Models;

/// <summary>ML.NET's CPU trainers (see <see cref="MlNetAlgorithms"/>), exported by its ONNX converter.</summary>
internal sealed class MlNetBackend : ICandidateBackend
{
    public IReadOnlyList<AlgorithmInfo> Algorithms(ModelTask task) => MlNetAlgorithms.For(task);

    public IPreparedData Prepare(TrainingRows rows)
    {
        var ml = new MLContext(seed: 0);
        var view = new FrameDataView(rows.Table, rows.Features, rows.Label);
        var featureModel = FeaturePipeline.Build(ml, rows.Features, rows.Preprocessing, name => Vocabulary.Of(rows.Table[name])).Fit(view);
        var transformed = ml.Data.Cache(featureModel.Transform(view));
        return new Prepared(rows, featureModel, transformed);
    }

    public ITrainedModel Train(IPreparedData data, AlgorithmInfo algorithm, IReadOnlyDictionary<string, double> parameters, int seed)
    {
        var prepared = (Prepared)data;
        var ml = new MLContext(seed);
        double Parameter(string name) => parameters.TryGetValue(name, out var v) ? v : algorithm.Parameters[name].Default;
        var task = prepared.Rows.Label.Task;
        var trainer = MlNetAlgorithms.Create(ml, task, algorithm.Name, Parameter, seed);
        ITransformer model = prepared.FeatureModel.Append(trainer.Fit(prepared.Transformed));
        if (task == ModelTask.MulticlassClassification)
        {
            // The served graph answers with the class name, not the key index.
            var keyToValue = ml.Transforms.Conversion.MapKeyToValue("PredictedLabel")
                .Fit(model.Transform(new FrameDataView(prepared.Rows.Table, prepared.Rows.Features, null)));
            model = model.Append(keyToValue);
        }

        return new Trained(ml, model, prepared.Rows);
    }

    /// <summary>The transformed, cached rows trials train on (benchmarks read it to time the transforms).</summary>
    public static IDataView Transformed(IPreparedData data) => ((Prepared)data).Transformed;

    private sealed record Prepared(TrainingRows Rows, ITransformer FeatureModel, IDataView Transformed) : IPreparedData;

    private sealed class Trained(MLContext ml, ITransformer model, TrainingRows rows) : ITrainedModel
    {
        public Predictions Predict(DataTable table)
        {
            var scored = model.Transform(new FrameDataView(table, rows.Features, null));
            var label = rows.Label;
            switch (label.Task)
            {
                case ModelTask.BinaryClassification:
                    var positive = scored.GetColumn<bool>("PredictedLabel").ToArray();
                    var probability = scored.GetColumn<float>("Probability").ToArray();
                    return new Predictions(
                        [.. positive.Select(p => p ? 1 : 0)],
                        [.. probability.Select(p => new[] { 1 - p, p })],
                        []);
                case ModelTask.MulticlassClassification:
                    var index = label.Classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
                    var predicted = scored.GetColumn<ReadOnlyMemory<char>>("PredictedLabel").Select(p => index[p.ToString()]).ToArray();
                    var scores = scored.GetColumn<VBuffer<float>>("Score").Select(v => v.DenseValues().ToArray()).ToArray();
                    return new Predictions(predicted, scores, []);
                default:
                    return new Predictions([], [], [.. scored.GetColumn<float>("Score")]);
            }
        }

        public byte[] ExportOnnx()
        {
            using var stream = new MemoryStream();
            lock (ml)
            {
                ml.Model.ConvertToOnnx(model, new FrameDataView(rows.Table, rows.Features, null), stream);
            }

            return DerivedFeatureInliner.Inline(stream.ToArray(), rows.Derived);
        }
    }
}
