using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flywheel.Contracts.Artifacts;
using Flywheel.Operator.Api.V1Alpha1;
using Flywheel.Operator.Builders;

namespace Flywheel.Operator.Store;

/// <summary>
/// What the operator records from a version's manifest.json: the model file's digest, the schema hash and every
/// trial. Read leniently (fields it does not need may be missing or newer), since a status must not fail on them.
/// </summary>
public sealed record ArtifactRecord(string? Sha256, string? SchemaHash, IReadOnlyList<Trial> Trials, Dictionary<string, JsonElement>? BestParams)
{
    /// <summary>The most trials a TrainingRun's status keeps.</summary>
    public const int MaxTrials = 1000;

    /// <summary>Reads <c>manifest.json</c> under a store-relative version folder; null when there is none or it is unreadable.</summary>
    public static async Task<ArtifactRecord?> ReadAsync(ModelStore store, string versionDirectory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(versionDirectory);
        var parts = versionDirectory.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 3)
        {
            return null;
        }

        var path = Path.Combine(store.VersionDirectory(parts[0], parts[1], parts[2]), ManifestJson.ManifestFileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return Parse(JsonNode.Parse(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)));
        }
        catch (Exception ex) when (ex is JsonException or IOException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    internal static ArtifactRecord? Parse(JsonNode? manifest)
    {
        if (manifest is not JsonObject root)
        {
            return null;
        }

        var trials = new List<Trial>();
        foreach (var candidate in root["candidates"]?.AsArray() ?? [])
        {
            var algorithm = Algorithm((string?)candidate?["algorithm"]);
            foreach (var trial in candidate?["trials"]?.AsArray() ?? [])
            {
                if (trials.Count >= MaxTrials || trial is not JsonObject t)
                {
                    break;
                }

                trials.Add(new Trial
                {
                    Algorithm = algorithm,
                    Params = Params(t["parameters"]),
                    Metrics = t["metrics"] is JsonObject metrics
                        ? metrics.Where(m => m.Value is JsonValue).ToDictionary(m => m.Key, m => m.Value!.GetValue<double>(), StringComparer.Ordinal)
                        : null,
                    DurationSeconds = t["trainingSeconds"] is JsonValue seconds ? seconds.GetValue<double>() : null,
                });
            }
        }

        return new ArtifactRecord(
            (string?)root["onnx"]?["sha256"],
            (string?)root["schemaHash"],
            trials,
            Params(root["selection"]?["hyperparameters"]));
    }

    private static Dictionary<string, JsonElement>? Params(JsonNode? node) =>
        node is JsonObject values
            ? values.ToDictionary(p => p.Key, p => Typed(p.Value), StringComparer.Ordinal)
            : null;

    /// <summary>The manifest keeps parameters as text; numbers and booleans go back to their JSON types for kubectl.</summary>
    private static JsonElement Typed(JsonNode? value)
    {
        var text = value?.ToString() ?? string.Empty;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _) || text is "true" or "false")
        {
            return JsonDocument.Parse(text).RootElement.Clone();
        }

        return JsonSerializer.SerializeToElement(text);
    }

    private static Algorithm? Algorithm(string? name) =>
        name is null ? null : Enum.GetValues<Algorithm>().Select(a => (Algorithm?)a).FirstOrDefault(a => ApiText.Of(a!.Value) == name);
}
