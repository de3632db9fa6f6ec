using Flywheel.Contracts.Artifacts;

namespace Flywheel.Trainer.Export;

/// <summary>The graph outputs ML.NET's converter names <c>&lt;column&gt;.output</c>, per task.</summary>
internal static class OnnxOutputNames
{
    public const string PredictedLabel = "PredictedLabel.output";
    public const string Probability = "Probability.output";
    public const string Score = "Score.output";

    public static OnnxOutputs For(ModelTask task) => task switch
    {
        // Binary: a bool prediction (true = the positive class) and P(positive).
        ModelTask.BinaryClassification => new OnnxOutputs { Prediction = PredictedLabel, Probability = Probability, Score = Score },

        // Multiclass: the class name and the probability vector in label.classes order.
        ModelTask.MulticlassClassification => new OnnxOutputs { Prediction = PredictedLabel, Probability = Score, Score = Score },
        _ => new OnnxOutputs { Prediction = Score },
    };
}
