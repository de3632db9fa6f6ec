using Flywheel.Contracts.Artifacts;
using Flywheel.InferenceServer.Monitoring;
using Flywheel.InferenceServer.Pipeline;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Flywheel.InferenceServer.Runtime;

/// <summary>
/// One loaded model version: its ONNX Runtime session, schema and monitor. Requests hold a lease while they
/// use it; a retired version is disposed when its last lease is released, so a swap never cuts a request.
/// </summary>
internal sealed class ServedModel : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly TaskCompletionSource _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _leases;
    private int _retired;
    private int _disposeStarted;

    public ServedModel(string version, string directory, ModelSchema schema, InferenceSession session, string provider, ModelMonitor? monitor)
    {
        Version = version;
        Directory = directory;
        Schema = schema;
        _session = session;
        Provider = provider;
        Monitor = monitor;
        _inputNames = [.. schema.Inputs.Select(i => i.Name)];
        var outputs = schema.Manifest.Onnx.Outputs;
        _outputNames = [schema.IsClassification ? outputs.Probability ?? outputs.Prediction : outputs.Prediction];
    }

    public string Version { get; }

    public string Directory { get; }

    public ModelSchema Schema { get; }

    public string Provider { get; }

    public ModelMonitor? Monitor { get; }

    /// <summary>Completes once the session is disposed (after retirement and the last lease).</summary>
    public Task Disposed => _disposed.Task;

    public bool TryAcquire()
    {
        Interlocked.Increment(ref _leases);
        if (Volatile.Read(ref _retired) == 1)
        {
            Release();
            return false;
        }

        return true;
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _leases) == 0 && Volatile.Read(ref _retired) == 1)
        {
            Dispose();
        }
    }

    /// <summary>No new leases; dispose once the in-flight ones are done.</summary>
    public void Retire()
    {
        Volatile.Write(ref _retired, 1);
        if (Volatile.Read(ref _leases) == 0)
        {
            Dispose();
        }
    }

    /// <summary>Runs the graph on a batch and post-processes its outputs (ids are filled by the caller).</summary>
    public PredictionBatch Run(FeatureBatch batch)
    {
        var inputs = TensorFeeder.Feed(Schema, batch);
        try
        {
            using var outputs = _session.Run(_runOptions, _inputNames, inputs, _outputNames);
            return PostProcess(outputs[0], batch.Rows);
        }
        finally
        {
            foreach (var input in inputs)
            {
                input.Dispose();
            }
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposeStarted, 1) == 1)
        {
            return;
        }

        // The counters follow the window's totals at each scrape; a version leaving publishes its last rows now,
        // since later scrapes only update the version being served.
        Monitor?.UpdateGauges();
        _session.Dispose();
        _runOptions.Dispose();
        _disposed.TrySetResult();
    }

    private PredictionBatch PostProcess(OrtValue output, int rows)
    {
        var schema = Schema;
        var classes = schema.IsClassification ? schema.Classes.Length : 0;
        var result = new PredictionBatch(rows, classes);
        var type = output.GetTensorTypeAndShape().ElementDataType;
        if (schema.Task == ModelTask.Regression)
        {
            for (var r = 0; r < rows; r++)
            {
                result.Values[r] = ReadNumber(output, type, r);
            }

            return result;
        }

        if (schema.Manifest.Onnx.Outputs.Probability is null)
        {
            // Only a predicted label: probability 1 for it.
            for (var r = 0; r < rows; r++)
            {
                var index = type == TensorElementType.String
                    ? Array.IndexOf(schema.Classes, output.GetStringElement(r))
                    : type == TensorElementType.Bool ? (output.GetTensorDataAsSpan<bool>()[r] ? schema.PositiveClass : 1 - schema.PositiveClass)
                    : (int)ReadNumber(output, type, r);
                index = Math.Clamp(index, 0, classes - 1);
                result.ClassIndex[r] = index;
                result.Probabilities[(r * classes) + index] = 1;
            }

            return result;
        }

        var probabilities = output.GetTensorDataAsSpan<float>();
        if (schema.Task == ModelTask.BinaryClassification && probabilities.Length == rows)
        {
            var positive = schema.PositiveClass;
            var threshold = schema.Threshold;
            for (var r = 0; r < rows; r++)
            {
                var p = probabilities[r];
                result.Probabilities[(r * 2) + positive] = p;
                result.Probabilities[(r * 2) + 1 - positive] = 1 - p;
                result.ClassIndex[r] = p >= threshold ? positive : 1 - positive;
            }

            return result;
        }

        probabilities[..(rows * classes)].CopyTo(result.Probabilities);
        for (var r = 0; r < rows; r++)
        {
            var row = probabilities.Slice(r * classes, classes);
            var best = 0;
            for (var c = 1; c < classes; c++)
            {
                if (row[c] > row[best])
                {
                    best = c;
                }
            }

            result.ClassIndex[r] = best;
        }

        return result;
    }

    private static double ReadNumber(OrtValue value, TensorElementType type, int index) => type switch
    {
        TensorElementType.Float => value.GetTensorDataAsSpan<float>()[index],
        TensorElementType.Double => value.GetTensorDataAsSpan<double>()[index],
        TensorElementType.Int64 => value.GetTensorDataAsSpan<long>()[index],
        TensorElementType.Int32 => value.GetTensorDataAsSpan<int>()[index],
        TensorElementType.UInt32 => value.GetTensorDataAsSpan<uint>()[index],
        _ => throw new InvalidOperationException($"graph output of type {type} cannot be read as a number"),
    };
}
