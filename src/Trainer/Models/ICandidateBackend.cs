using Flywheel.Contracts.Artifacts;
using Flywheel.Trainer.Data;
using Flywheel.Trainer.Export;
using Flywheel.Trainer.Features;

namespace Flywheel.Trainer.Models;

/// <summary>
/// A family of trainable candidates. ML.NET's CPU trainers are one backend; a GPU neural-network backend
/// (activation × learning rate × batch size) plugs in here by producing the same <see cref="ITrainedModel"/>.
/// </summary>
internal interface ICandidateBackend
{
    /// <summary>The algorithm names this backend trains for a task.</summary>
    IReadOnlyList<AlgorithmInfo> Algorithms(ModelTask task);

    /// <summary>Fits what all trials on the same rows share (encoders, scalers) once.</summary>
    IPreparedData Prepare(TrainingRows rows);

    ITrainedModel Train(IPreparedData data, AlgorithmInfo algorithm, IReadOnlyDictionary<string, double> parameters, int seed);
}

/// <summary>Rows to train or evaluate on, with what the spec says about them.</summary>
internal sealed record TrainingRows(DataTable Table, LabelSet Label, IReadOnlyList<FeatureInfo> Features, FeaturePreprocessing Preprocessing)
{
    /// <summary>Derived features among <see cref="Features"/>, which the exported graph computes itself.</summary>
    public IReadOnlyList<DerivedColumn> Derived { get; init; } = [];
}

/// <summary>The preprocessing choices the graph implements.</summary>
internal sealed record FeaturePreprocessing(string CategoricalEncoding, string Scaling);

/// <summary>Backend-specific state shared by the trials on one set of rows.</summary>
internal interface IPreparedData
{
    TrainingRows Rows { get; }
}

/// <summary>A trained candidate: scores rows in process and exports itself as one ONNX graph.</summary>
internal interface ITrainedModel
{
    Predictions Predict(DataTable table);

    /// <summary>The ONNX graph, preprocessing included, whose inputs are exactly the features.</summary>
    byte[] ExportOnnx();
}

/// <summary>
/// Model outputs per row. Classification: the predicted class index and the probability vector in class
/// order (binary: [P(negative), P(positive)]). Regression: the predicted value.
/// </summary>
internal sealed record Predictions(int[] PredictedClass, float[][] Probabilities, float[] Values);
