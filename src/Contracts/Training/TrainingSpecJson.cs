using System.Text.Json;

namespace Flywheel.Contracts.Training;

/// <summary>Reads and writes the frozen training spec (camelCase JSON; unknown fields are ignored).</summary>
public static class TrainingSpecJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static string Serialize(TrainingSpec spec) => JsonSerializer.Serialize(spec, Options);

    /// <summary>Parses a spec; the error names the source and the JSON path that is wrong.</summary>
    public static TrainingSpec Deserialize(string json, string source = "spec")
    {
        try
        {
            return JsonSerializer.Deserialize<TrainingSpec>(json, Options)
                ?? throw new InvalidDataException($"{source}: the file holds null, expected a training spec object");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{source}: not a valid training spec at {ex.Path ?? "$"}: {ex.Message}", ex);
        }
    }
}
