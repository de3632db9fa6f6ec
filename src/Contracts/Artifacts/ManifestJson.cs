using System.Text.Json;
using System.Text.Json.Serialization;

namespace Flywheel.Contracts.Artifacts;

/// <summary>The one JSON form of the artifact contract: camelCase, nulls omitted, indented.</summary>
public static class ManifestJson
{
    public const string ManifestFileName = "manifest.json";

    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string Serialize(ModelManifest manifest) => JsonSerializer.Serialize(manifest, Options);

    /// <summary>Reads a manifest; the error names the file and what is wrong with it.</summary>
    public static ModelManifest Deserialize(string json, string source = ManifestFileName)
    {
        try
        {
            var manifest = JsonSerializer.Deserialize<ModelManifest>(json, Options)
                ?? throw new InvalidDataException($"{source}: the file holds null, expected a model manifest object");
            return manifest.Format == ModelManifest.CurrentFormat
                ? manifest
                : throw new InvalidDataException($"{source}: format \"{manifest.Format}\" is not supported; expected \"{ModelManifest.CurrentFormat}\"");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{source}: not a valid model manifest at {ex.Path ?? "$"}: {ex.Message}", ex);
        }
    }

    public static async Task<ModelManifest> ReadAsync(string directory, CancellationToken cancellationToken = default)
    {
        var path = Path.Combine(directory, ManifestFileName);
        return Deserialize(await File.ReadAllTextAsync(path, cancellationToken), path);
    }
}
