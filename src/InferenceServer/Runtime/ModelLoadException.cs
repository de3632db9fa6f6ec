namespace Flywheel.InferenceServer.Runtime;

/// <summary>A model version that cannot be served; <see cref="Reason"/> is the metric label value.</summary>
internal sealed class ModelLoadException(string reason, string message, Exception? inner = null) : Exception(message, inner)
{
    public const string NotFound = "not_found";
    public const string InvalidManifest = "invalid_manifest";
    public const string DigestMismatch = "sha256_mismatch";
    public const string InvalidGraph = "invalid_graph";
    public const string ProviderUnavailable = "provider_unavailable";

    public string Reason { get; } = reason;
}
