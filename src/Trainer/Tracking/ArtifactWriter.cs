using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Flywheel.Contracts.Artifacts;

namespace Flywheel.Trainer.Tracking;

/// <summary>
/// Writes a version directory atomically: files go to a hidden sibling temp directory that is renamed into
/// place, so a killed trainer leaves no half-written version. Versions are immutable.
/// </summary>
internal static class ArtifactWriter
{
    public const string ModelFileName = "model.onnx";

    private static readonly JsonSerializerOptions CompactOptions = new(ManifestJson.Options) { WriteIndented = false };

    public static string Sha256Hex(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public static void EnsureAbsent(string versionDirectory)
    {
        if (Directory.Exists(versionDirectory) && Directory.EnumerateFileSystemEntries(versionDirectory).Any())
        {
            throw new TrainingInputException(
                $"version directory {versionDirectory} already exists; versions are immutable: set model.version to a new version");
        }
    }

    public static async Task WriteAsync(string versionDirectory, byte[] model, ModelManifest manifest, CancellationToken cancellationToken)
    {
        EnsureAbsent(versionDirectory);
        var parent = Path.GetDirectoryName(Path.GetFullPath(versionDirectory))!;
        Directory.CreateDirectory(parent);
        var temp = Path.Combine(parent, $".{Path.GetFileName(versionDirectory)}.tmp-{Guid.NewGuid():N}");
        Directory.CreateDirectory(temp);
        try
        {
            await File.WriteAllBytesAsync(Path.Combine(temp, ModelFileName), model, cancellationToken);
            await File.WriteAllTextAsync(Path.Combine(temp, ManifestJson.ManifestFileName), ManifestJson.Serialize(manifest) + "\n", cancellationToken);
            if (Directory.Exists(versionDirectory))
            {
                Directory.Delete(versionDirectory); // empty, checked above
            }

            Directory.Move(temp, versionDirectory);
        }
        catch
        {
            if (Directory.Exists(temp))
            {
                Directory.Delete(temp, recursive: true);
            }

            throw;
        }
    }

    /// <summary>
    /// Writes the summary to the termination-message path, trimmed to fit the 4 KiB limit (metrics, then the
    /// message, are shortened first).
    /// </summary>
    public static async Task WriteSummaryAsync(string path, TrainingSummary summary, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(summary, CompactOptions);
        if (Encoding.UTF8.GetByteCount(json) > TrainingSummary.MaxBytes)
        {
            summary = summary with { Message = summary.Message is { Length: > 1000 } m ? m[..1000] + "…" : summary.Message };
            json = JsonSerializer.Serialize(summary, CompactOptions);
        }

        if (Encoding.UTF8.GetByteCount(json) > TrainingSummary.MaxBytes)
        {
            summary = summary with { Metrics = new Dictionary<string, double>(), Message = summary.Message?[..Math.Min(200, summary.Message.Length)] };
            json = JsonSerializer.Serialize(summary, CompactOptions);
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null && !path.StartsWith("/dev/", StringComparison.Ordinal))
        {
            Directory.CreateDirectory(directory);
        }

        await File.WriteAllTextAsync(path, json, cancellationToken);
    }
}
