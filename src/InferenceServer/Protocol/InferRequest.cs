using Flywheel.InferenceServer.Pipeline;

namespace Flywheel.InferenceServer.Protocol;

/// <summary>A parsed inference request, V2 or records form.</summary>
internal sealed record InferRequest(string? Id, FeatureBatch Batch, int TopK, IReadOnlyList<string>? Outputs);
