using System.Diagnostics;
using Flywheel.Contracts.Artifacts;
using Flywheel.Trainer.Data;
using Flywheel.Trainer.Features;
using Flywheel.Trainer.Models;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Flywheel.Trainer.Export;

/// <summary>
/// Scores rows with ONNX Runtime exactly as the inference server will: one <c>[batch, 1]</c> input per
/// feature (float or string), reading the outputs named in <see cref="OnnxOutputNames"/>.
/// </summary>
internal sealed class OnnxScorer : IDisposable
{
    private readonly InferenceSession _session;
    private readonly IReadOnlyList<FeatureInfo> _features;
    private readonly LabelSet _label;

    public OnnxScorer(byte[] model, IReadOnlyList<FeatureInfo> features, LabelSet label)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        _session = new InferenceSession(model, options);
        _features = [.. features.Where(f => !f.Derived)];
        _label = label;
        Outputs = OnnxOutputNames.For(label.Task);
    }

    public OnnxOutputs Outputs { get; }

    /// <summary>Graph inputs with their ONNX element types, in graph order.</summary>
    public IReadOnlyList<(string Name, string ElementType)> Inputs =>
        [.. _session.InputMetadata.Select(i => (i.Key, ElementTypeName(i.Value.ElementDataType)))];

    public IReadOnlyList<string> OutputNames => [.. _session.OutputMetadata.Keys];

    public Predictions Score(DataTable table)
    {
        var inputs = BuildInputs(table, Enumerable.Range(0, table.RowCount).ToArray());
        return Read(inputs, table.RowCount);
    }

    /// <summary>Median single-row latency in microseconds over <paramref name="runs"/> runs after a warm-up.</summary>
    public double MeasureLatencyMicroseconds(DataTable table, int warmup = 50, int runs = 200)
    {
        var inputs = BuildInputs(table, [0]);
        var names = Names();
        for (var i = 0; i < warmup; i++)
        {
            using var _ = _session.Run(inputs, names);
        }

        var samples = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            var start = Stopwatch.GetTimestamp();
            using (_session.Run(inputs, names))
            {
                samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            }
        }

        Array.Sort(samples);
        return Math.Round(samples[runs / 2], 2);
    }

    public void Dispose() => _session.Dispose();

    private List<NamedOnnxValue> BuildInputs(DataTable table, int[] rows)
    {
        var inputs = new List<NamedOnnxValue>();
        int[] dims = [rows.Length, 1];
        foreach (var feature in _features)
        {
            if (table[feature.Name] is NumericColumn numeric)
            {
                inputs.Add(NamedOnnxValue.CreateFromTensor(feature.Name, new DenseTensor<float>(rows.Select(r => (float)numeric.Values[r]).ToArray(), dims)));
            }
            else
            {
                var text = (TextColumn)table[feature.Name];
                inputs.Add(NamedOnnxValue.CreateFromTensor(feature.Name, new DenseTensor<string>(rows.Select(r => text.Values[r] ?? "").ToArray(), dims)));
            }
        }

        return inputs;
    }

    private string[] Names() => _label.Task switch
    {
        ModelTask.BinaryClassification => [Outputs.Prediction, Outputs.Probability!],
        ModelTask.MulticlassClassification => [Outputs.Prediction, Outputs.Score!],
        _ => [Outputs.Prediction],
    };

    private Predictions Read(List<NamedOnnxValue> inputs, int count)
    {
        using var results = _session.Run(inputs, Names());
        var byName = results.ToDictionary(r => r.Name, r => r);
        switch (_label.Task)
        {
            case ModelTask.BinaryClassification:
                var positive = byName[Outputs.Prediction].AsTensor<bool>().ToArray();
                var probability = byName[Outputs.Probability!].AsTensor<float>().ToArray();
                return new Predictions([.. positive.Select(p => p ? 1 : 0)], [.. probability.Select(p => new[] { 1 - p, p })], []);
            case ModelTask.MulticlassClassification:
                var index = _label.Classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
                var predicted = byName[Outputs.Prediction].AsTensor<string>().Select(p => index[p]).ToArray();
                var scores = byName[Outputs.Score!].AsTensor<float>().ToArray();
                var k = _label.Classes.Count;
                return new Predictions(predicted, [.. Enumerable.Range(0, count).Select(r => scores.AsSpan(r * k, k).ToArray())], []);
            default:
                return new Predictions([], [], byName[Outputs.Prediction].AsTensor<float>().ToArray());
        }
    }

    private static string ElementTypeName(TensorElementType type) => type switch
    {
        TensorElementType.Float => "float",
        TensorElementType.Double => "double",
        TensorElementType.Int64 => "int64",
        TensorElementType.Bool => "bool",
        TensorElementType.String => "string",
        _ => type.ToString().ToLowerInvariant(),
    };
}
