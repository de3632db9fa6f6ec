using System.Security.Cryptography;
using System.Text;
using Flywheel.Contracts.Versioning;
using Flywheel.Operator.Api.V1Alpha1;
using Flywheel.Operator.Builders;

namespace Flywheel.Operator.Controllers.Models;

/// <summary>
/// Picks the version a run will produce before its Job starts, because the trainer writes into
/// <c>&lt;model&gt;/&lt;version&gt;/</c> and inference pods load that folder by name.
/// </summary>
public static class VersionPlanner
{
    /// <summary>
    /// The version after every version already taken (registered or planned by another run): a minor bump, or a
    /// major bump when the declared input schema differs from the one the latest version was trained on.
    /// </summary>
    public static ModelVersion Next(IEnumerable<string?> taken, bool schemaChanged)
    {
        ArgumentNullException.ThrowIfNull(taken);
        var versions = taken.Select(t => ModelVersion.TryParse(t, out var v) ? v : (ModelVersion?)null).OfType<ModelVersion>().ToList();
        return versions.Count == 0 ? ModelVersion.Initial : versions.Max().Next(schemaChanged);
    }

    /// <summary>
    /// A fingerprint of what the inputs of a model look like to a caller: task, label, features, derived features and
    /// categorical encoding. Equal fingerprints accept the same requests.
    /// </summary>
    public static string SchemaFingerprint(TrainingRunSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var text = new StringBuilder();
        text.Append(ApiText.Of(spec.Task ?? ModelTask.BinaryClassification)).Append('|').Append(spec.Data?.LabelColumn).Append('|');
        foreach (var feature in (spec.Data?.Features ?? []).OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            text.Append(feature.Name).Append(':').Append(ApiText.Of(feature.Type)).Append(',');
        }

        text.Append('|');
        foreach (var derived in (spec.Preprocessing?.Derived ?? []).OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            text.Append(derived.Name).Append('=').Append(derived.Expression).Append(',');
        }

        text.Append('|').Append(ApiText.Of(spec.Preprocessing?.CategoricalEncoding ?? CategoricalEncoding.OneHot));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }
}
