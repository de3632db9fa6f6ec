using System.Globalization;

namespace Flywheel.Trainer.Models;

/// <summary>
/// One trainable algorithm: its spec name, its hyperparameters with defaults, and how complex a model with
/// given parameters is (linear models are simpler than trees; fewer trees and leaves are simpler).
/// </summary>
internal sealed record AlgorithmInfo(string Name, bool IsLinear, IReadOnlyDictionary<string, HyperparameterInfo> Parameters)
{
    /// <summary>Ordering key: family first (linear 0, trees 1), then size (trees × leaves).</summary>
    public (int Family, double Size) Complexity(IReadOnlyDictionary<string, double> parameters)
    {
        if (IsLinear)
        {
            return (0, 0);
        }

        double Get(string name) => parameters.TryGetValue(name, out var v) ? v : Parameters.TryGetValue(name, out var p) ? p.Default : 1;
        var trees = Parameters.ContainsKey("numberOfTrees") ? Get("numberOfTrees") : Get("numberOfIterations");
        return (1, trees * Get("numberOfLeaves"));
    }

    /// <summary>Defaults overlaid with the trial's values, as text for the manifest.</summary>
    public IReadOnlyDictionary<string, string> Describe(IReadOnlyDictionary<string, double> parameters) =>
        Parameters.Keys.Order(StringComparer.Ordinal).ToDictionary(
            k => k,
            k => Parameters[k].Format(parameters.TryGetValue(k, out var v) ? v : Parameters[k].Default),
            StringComparer.Ordinal);
}

/// <summary>A hyperparameter: its default and whether it takes whole numbers.</summary>
internal sealed record HyperparameterInfo(double Default, bool Integer, double Min, double Max)
{
    public string Format(double value) => Integer
        ? ((long)Math.Round(value)).ToString(CultureInfo.InvariantCulture)
        : value.ToString("R", CultureInfo.InvariantCulture);

    public double Normalize(double value) => Integer ? Math.Round(value) : value;
}
