using System.Text.Json.Serialization;
using Flywheel.Operator.Api.Schema;

namespace Flywheel.Operator.Api.V1Alpha1;

/// <summary>
/// One aspect of an object's state, in the shape <c>kubectl wait --for=condition=Ready</c> reads:
/// the latest observation of each condition type.
/// </summary>
public sealed record Condition
{
    /// <summary>Condition type: Ready, Progressing or Degraded.</summary>
    [Required]
    [Length(1, 316)]
    public string Type { get; init; } = string.Empty;

    /// <summary>True, False or Unknown.</summary>
    [Required]
    public ConditionStatus Status { get; init; } = ConditionStatus.Unknown;

    /// <summary>One-word CamelCase reason for the last transition, for machines and filters.</summary>
    [Length(0, 1024)]
    public string? Reason { get; init; }

    /// <summary>What happened and, when something is wrong, what a person can do about it.</summary>
    [Length(0, 32768)]
    public string? Message { get; init; }

    /// <summary>When the status last changed (not when it was last checked).</summary>
    public DateTimeOffset? LastTransitionTime { get; init; }

    /// <summary>The object's metadata.generation this condition was computed from.</summary>
    [Minimum(0)]
    public long? ObservedGeneration { get; init; }
}

/// <summary>The status of a <see cref="Condition"/>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ConditionStatus>))]
public enum ConditionStatus
{
    [JsonStringEnumMemberName("True")]
    True,

    [JsonStringEnumMemberName("False")]
    False,

    [JsonStringEnumMemberName("Unknown")]
    Unknown,
}

/// <summary>The condition types every Flywheel kind reports.</summary>
public static class ConditionTypes
{
    /// <summary>The object does what it declares (model promoted, deployment serving, policy evaluating).</summary>
    public const string Ready = "Ready";

    /// <summary>Work toward the declared state is under way (training, rolling out).</summary>
    public const string Progressing = "Progressing";

    /// <summary>Something needs a person: an invalid spec, a failing trigger query, a failed rollout.</summary>
    public const string Degraded = "Degraded";
}
