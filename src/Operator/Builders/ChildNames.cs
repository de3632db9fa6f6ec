using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Flywheel.Operator.Api.V1Alpha1;

namespace Flywheel.Operator.Builders;

/// <summary>
/// Deterministic names of everything the operator creates: the same inputs always give the same name, so a
/// create after a crash finds the object it made before instead of making a second one.
/// </summary>
public static class ChildNames
{
    /// <summary>Label values and Job names (the job-name label) must fit in 63 characters.</summary>
    public const int MaxLength = 63;

    public static string Job(string trainingRun) => Fit(trainingRun + "-train");

    public static string SpecConfigMap(string trainingRun) => Fit(trainingRun + "-spec");

    /// <summary>The Deployment, Service, autoscaler and ServiceMonitor of a ModelDeployment share one name.</summary>
    public static string Inference(string modelDeployment) => Fit(modelDeployment + "-inference");

    /// <summary>The first run of a model; a new spec generation may try again after a failed one.</summary>
    public static string InitialRun(string model, long generation) =>
        Fit(string.Create(CultureInfo.InvariantCulture, $"{model}-initial-g{generation}"));

    /// <summary>A triggered run, named after the moment of the decision as the CronJob controller names its Jobs.</summary>
    public static string TriggeredRun(string model, RunReason reason, DateTimeOffset decidedAt) =>
        Fit(string.Create(CultureInfo.InvariantCulture, $"{model}-{Kebab(reason)}-{decidedAt.ToUnixTimeSeconds()}"));

    /// <summary>Kebab-case of a reason: inputDrift → input-drift.</summary>
    public static string Kebab(RunReason reason)
    {
        var text = reason.ToString();
        var builder = new StringBuilder(text.Length + 4);
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsUpper(text[i]) && i > 0)
            {
                builder.Append('-');
            }

            builder.Append(char.ToLowerInvariant(text[i]));
        }

        return builder.ToString();
    }

    /// <summary>Keeps a name within 63 characters: a long one is cut and suffixed with a hash of the whole.</summary>
    public static string Fit(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length <= MaxLength)
        {
            return name;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..8];
        return name[..(MaxLength - 9)].TrimEnd('-', '.') + "-" + hash;
    }
}
