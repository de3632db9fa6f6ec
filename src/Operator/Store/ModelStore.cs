using Flywheel.Operator.Builders;

namespace Flywheel.Operator.Store;

/// <summary>
/// The operator's view of the model store (<c>&lt;root&gt;/&lt;namespace&gt;/&lt;model&gt;/&lt;version&gt;/</c>, mounted
/// from the same claim the trainer writes): it deletes the artifacts of retired versions and deleted models.
/// </summary>
public sealed class ModelStore(OperatorSettings settings)
{
    public string Root { get; } = Path.GetFullPath(settings.ModelStoreRoot);

    public string VersionDirectory(string ns, string model, string version) => Inside(ns, model, version);

    public string ModelDirectory(string ns, string model) => Inside(ns, model);

    /// <summary>Deletes one version's folder; true when there was one.</summary>
    public bool DeleteVersion(string ns, string model, string version) => Delete(VersionDirectory(ns, model, version));

    /// <summary>Deletes every artifact of a model; true when there were any.</summary>
    public bool DeleteModel(string ns, string model) => Delete(ModelDirectory(ns, model));

    private static bool Delete(string path)
    {
        if (!Directory.Exists(path))
        {
            return false;
        }

        Directory.Delete(path, recursive: true);
        return true;
    }

    /// <summary>A path under the root; names that would climb out of it (.., separators) are refused.</summary>
    private string Inside(params string[] parts)
    {
        foreach (var part in parts)
        {
            if (string.IsNullOrEmpty(part) || part is "." or ".." || part.IndexOfAny(['/', '\\']) >= 0)
            {
                throw new ArgumentException($"\"{part}\" is not a valid path segment in the model store; namespaces, model names and versions cannot contain separators or be . or ..");
            }
        }

        var path = Path.GetFullPath(Path.Combine([Root, .. parts]));
        if (!path.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"{path} is outside the model store {Root}");
        }

        return path;
    }
}
