namespace Flywheel.Contracts.Artifacts;

/// <summary>
/// What the trainer writes (≤ 4 KiB of JSON) to its termination-message path for the operator:
/// where the version went and how good it is.
/// </summary>
public sealed record TrainingSummary
{
    /// <summary>Default Kubernetes termination-message path.</summary>
    public const string DefaultPath = "/dev/termination-log";

    /// <summary>The most bytes a termination message may hold.</summary>
    public const int MaxBytes = 4096;

    public required bool Succeeded { get; init; }

    /// <summary>The version directory written, relative to the model store root.</summary>
    public string? VersionDirectory { get; init; }

    public string? Sha256 { get; init; }

    public string? SchemaHash { get; init; }

    public string? DataDigest { get; init; }

    public string? Algorithm { get; init; }

    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    public int Trials { get; init; }

    /// <summary>On failure: what went wrong and how to fix it.</summary>
    public string? Message { get; init; }
}
