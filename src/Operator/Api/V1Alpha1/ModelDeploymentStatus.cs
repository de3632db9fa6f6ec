using Flywheel.Operator.Api.Schema;

namespace Flywheel.Operator.Api.V1Alpha1;

/// <summary>The observed state of a ModelDeployment.</summary>
public sealed class ModelDeploymentStatus : IConditionedStatus
{
    /// <summary>How many history entries are kept.</summary>
    public const int HistoryLimit = 20;

    /// <summary>The version the pods serve.</summary>
    [Pattern(ApiPatterns.Version)]
    public string? ServingVersion { get; set; }

    /// <summary>The version served before the current one: where a rollback goes.</summary>
    [Pattern(ApiPatterns.Version)]
    public string? PreviousVersion { get; set; }

    /// <summary>The in-cluster endpoint of the Open Inference Protocol API.</summary>
    public string? Url { get; set; }

    /// <summary>Pods running (the scale subresource reads it).</summary>
    [Minimum(0)]
    public int? Replicas { get; set; }

    /// <summary>Pods ready to serve.</summary>
    [Minimum(0)]
    public int? ReadyReplicas { get; set; }

    /// <summary>Label selector of the pods, for the scale subresource and autoscalers.</summary>
    public string? Selector { get; set; }

    /// <summary>The versions served, newest last, with why each change happened.</summary>
    [Items(0, HistoryLimit)]
    public List<DeploymentHistoryEntry>? History { get; set; }

    /// <summary>Ready (serving with enough pods), Progressing (rolling out), Degraded (rollout failed, model missing).</summary>
    [ListMap("type")]
    public List<Condition>? Conditions { get; set; }

    /// <summary>The metadata.generation this status was computed from.</summary>
    [Minimum(0)]
    public long? ObservedGeneration { get; set; }

    /// <summary>
    /// Records that <paramref name="version"/> is now served: the old one becomes previousVersion and
    /// history gains an entry (oldest dropped past <see cref="HistoryLimit"/>). No-op when it already is.
    /// </summary>
    public bool RecordServing(string version, string reason, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        if (string.Equals(ServingVersion, version, StringComparison.Ordinal))
        {
            return false;
        }

        PreviousVersion = ServingVersion;
        ServingVersion = version;
        History ??= [];
        History.Add(new DeploymentHistoryEntry { Version = version, Time = clock.GetUtcNow(), Reason = reason });
        if (History.Count > HistoryLimit)
        {
            History.RemoveRange(0, History.Count - HistoryLimit);
        }

        return true;
    }
}

/// <summary>A change of the served version.</summary>
public sealed class DeploymentHistoryEntry
{
    /// <summary>The version served from then on.</summary>
    [Required]
    [Pattern(ApiPatterns.Version)]
    public string Version { get; set; } = string.Empty;

    /// <summary>When the rollout to it finished.</summary>
    public DateTimeOffset? Time { get; set; }

    /// <summary>Why: Promoted, Pinned, RolledBack (with the failed check).</summary>
    public string? Reason { get; set; }
}
