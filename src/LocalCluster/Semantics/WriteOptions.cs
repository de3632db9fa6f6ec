namespace Flywheel.ApiServer.Semantics;

/// <summary>The query parameters every write shares.</summary>
internal sealed record WriteOptions(bool DryRun = false, string? FieldManager = null, string FieldValidation = "Warn", bool Force = false)
{
    public static WriteOptions Default { get; } = new();
}

/// <summary>A committed (or dry-run) write: the object, whether it was created, and warnings for the response header.</summary>
internal sealed record WriteResult(System.Text.Json.Nodes.JsonObject Object, bool Created, IReadOnlyList<string> Warnings);
