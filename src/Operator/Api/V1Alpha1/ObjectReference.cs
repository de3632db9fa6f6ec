using Flywheel.Operator.Api.Schema;

namespace Flywheel.Operator.Api.V1Alpha1;

/// <summary>A reference to another Flywheel object in the same namespace.</summary>
public sealed class ObjectReference
{
    /// <summary>Name of the referenced object, in the same namespace as the referrer.</summary>
    [Required]
    [Length(1, 253)]
    [Pattern(ApiPatterns.ObjectName)]
    public string Name { get; set; } = string.Empty;
}
