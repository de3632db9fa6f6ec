namespace Flywheel.InferenceServer.Pipeline;

/// <summary>
/// Post-processed results of one ONNX Runtime run: class index and per-class probabilities (classification)
/// or values (regression), and the prediction id of every row.
/// </summary>
internal sealed class PredictionBatch(int rows, int classCount)
{
    public int Rows { get; } = rows;

    public int ClassCount { get; } = classCount;

    /// <summary>Predicted class per row (classification).</summary>
    public int[] ClassIndex { get; } = classCount > 0 ? new int[rows] : [];

    /// <summary>Row-major [rows, classes] probabilities (classification).</summary>
    public float[] Probabilities { get; } = classCount > 0 ? new float[rows * classCount] : [];

    /// <summary>Predicted value per row (regression).</summary>
    public double[] Values { get; } = classCount > 0 ? [] : new double[rows];

    /// <summary>The prediction id of row 0; row r has sequence number <c>FirstId + r</c>.</summary>
    public long FirstId { get; private set; }

    /// <summary>Where the ids come from, to write them out; null until <see cref="AssignIds"/>.</summary>
    public Monitoring.PredictionIds? IdSource { get; private set; }

    public void AssignIds(Monitoring.PredictionIds source)
    {
        IdSource = source;
        FirstId = source.Reserve(Rows);
    }

    /// <summary>Writes row <paramref name="row"/>'s id as UTF-8; returns its length.</summary>
    public int FormatId(int row, Span<byte> destination) => IdSource!.Format(FirstId + row, destination);

    public string Id(int row) => IdSource!.ToString(FirstId + row);
}

/// <summary>One request's rows of a (possibly merged) batch.</summary>
internal readonly record struct PredictionSlice(PredictionBatch Batch, int Offset, int Rows);
