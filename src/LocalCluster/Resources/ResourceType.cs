using Flywheel.ApiServer.Schema;

namespace Flywheel.ApiServer.Resources;

/// <summary>One served resource at one version: what discovery lists and what the handlers need.</summary>
internal sealed record ResourceType(
    string Group,
    string Version,
    string Kind,
    string Plural,
    string Singular,
    bool Namespaced,
    IReadOnlyList<string> ShortNames,
    IReadOnlyList<string> Categories,
    bool HasStatus,
    ScaleSubresource? Scale = null,
    StructuralSchema? Schema = null,
    IReadOnlyList<PrinterColumn>? PrinterColumns = null,
    bool IsCustom = false,
    StrategicMergeKeys? MergeKeys = null)
{
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>Objects of every version of a group/resource share one storage table.</summary>
    public string StorageKey => $"{Group}/{Plural}";

    /// <summary>The resource name as errors spell it: <c>pods</c> or <c>models.flywheel.dev</c>.</summary>
    public string QualifiedResource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    /// <summary>The kind as validation errors spell it: <c>Pod</c> or <c>Model.flywheel.dev</c>.</summary>
    public string QualifiedKind => Group.Length == 0 ? Kind : $"{Kind}.{Group}";

    public IReadOnlyList<string> Verbs { get; } = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
}

/// <summary>Where a CRD's scale subresource reads and writes replicas.</summary>
internal sealed record ScaleSubresource(string SpecReplicasPath, string StatusReplicasPath, string? LabelSelectorPath);

/// <summary>A column of <c>kubectl get</c>: a CRD's additionalPrinterColumns entry or a built-in default.</summary>
internal sealed record PrinterColumn(string Name, string Type, string JsonPath, string Description = "", int Priority = 0, string Format = "");

/// <summary>Marker for built-in kinds that accept strategic merge patches.</summary>
internal sealed record StrategicMergeKeys;
