using System.Globalization;
using Flywheel.Trainer.Data;
using Flywheel.Trainer.Models;

namespace Flywheel.Trainer.Export;

/// <summary>
/// ONNX Runtime must answer what ML.NET answers: the same class and probabilities within 1e-5, or for
/// regression the same value within 1e-5 (relative above 1). Any difference fails the run.
/// </summary>
internal static class ParityCheck
{
    public const double Tolerance = 1e-5;

    /// <summary>The largest difference seen; throws on the first row out of tolerance.</summary>
    public static double Verify(Predictions mlnet, Predictions onnx, DataTable rows)
    {
        var worst = 0.0;
        for (var i = 0; i < rows.RowCount; i++)
        {
            if (mlnet.PredictedClass.Length > 0)
            {
                if (mlnet.PredictedClass[i] != onnx.PredictedClass[i])
                {
                    throw Failure(rows.Origins[i], $"ML.NET predicts class {mlnet.PredictedClass[i]}, ONNX Runtime class {onnx.PredictedClass[i]}");
                }

                for (var c = 0; c < mlnet.Probabilities[i].Length; c++)
                {
                    var difference = Math.Abs(mlnet.Probabilities[i][c] - onnx.Probabilities[i][c]);
                    worst = Math.Max(worst, difference);
                    if (difference > Tolerance)
                    {
                        throw Failure(rows.Origins[i], $"probability {c}: ML.NET {Text(mlnet.Probabilities[i][c])}, ONNX Runtime {Text(onnx.Probabilities[i][c])}");
                    }
                }
            }
            else
            {
                var expected = mlnet.Values[i];
                var difference = Math.Abs(expected - onnx.Values[i]) / Math.Max(1, Math.Abs(expected));
                worst = Math.Max(worst, difference);
                if (difference > Tolerance)
                {
                    throw Failure(rows.Origins[i], $"ML.NET {Text(expected)}, ONNX Runtime {Text(onnx.Values[i])}");
                }
            }
        }

        return worst;
    }

    private static InvalidOperationException Failure(string origin, string detail) =>
        new($"ONNX parity failed at row {origin}: {detail} (tolerance {Tolerance}); the exported graph does not reproduce the model");

    private static string Text(float value) => value.ToString("R", CultureInfo.InvariantCulture);
}
