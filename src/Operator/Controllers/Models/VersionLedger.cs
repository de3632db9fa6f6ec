using Flywheel.Contracts.Versioning;
using Flywheel.Operator.Api.V1Alpha1;

namespace Flywheel.Operator.Controllers.Models;

/// <summary>Applies registrations, promotions and retention to a Model's status.</summary>
public static class VersionLedger
{
    /// <summary>Registers <paramref name="candidate"/> with the gate's decision; a promotion retires the previous version.</summary>
    public static void Register(ModelSpec spec, ModelStatus status, ModelVersionStatus candidate, PromotionDecision decision, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(decision);
        candidate.Phase = decision.Phase;
        candidate.Reason = decision.Message;
        status.SetVersion(candidate);
        var latest = ModelVersion.Parse(candidate.Version);
        if (!ModelVersion.TryParse(status.LatestVersion, out var previousLatest) || latest > previousLatest)
        {
            status.LatestVersion = candidate.Version;
        }

        if (decision.Promote)
        {
            Promote(spec, status, candidate.Version, now);
        }
    }

    /// <summary>Makes <paramref name="version"/> the promoted one; true when that changed anything.</summary>
    public static bool Promote(ModelSpec spec, ModelStatus status, string version, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(status);
        var record = status.FindVersion(version) ?? throw new ArgumentException($"version {version} is not kept", nameof(version));
        if (status.PromotedVersion == version && record.Phase == VersionPhase.Promoted)
        {
            return false;
        }

        if (status.PromotedVersion is { } previous && previous != version && status.FindVersion(previous) is { } old)
        {
            old.Phase = VersionPhase.Retired;
            old.Reason = $"replaced by {version}";
        }

        record.Phase = VersionPhase.Promoted;
        record.PromotedAt = now;
        status.PromotedVersion = version;
        status.Metric = PromotionGate.MetricText(spec, record);
        return true;
    }

    /// <summary>
    /// Drops the oldest versions beyond <paramref name="keep"/>, never the promoted version nor one in
    /// <paramref name="protectedVersions"/> (pinned or served by a ModelDeployment). Returns what was dropped.
    /// </summary>
    public static IReadOnlyList<ModelVersionStatus> Prune(ModelStatus status, int keep, IReadOnlySet<string> protectedVersions)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(protectedVersions);
        var versions = status.Versions ?? [];
        var excess = versions.Count - Math.Max(1, keep);
        var dropped = new List<ModelVersionStatus>();
        foreach (var version in versions.ToList())
        {
            if (excess <= 0)
            {
                break;
            }

            if (version.Version == status.PromotedVersion || protectedVersions.Contains(version.Version))
            {
                continue;
            }

            versions.Remove(version);
            dropped.Add(version);
            excess--;
        }

        return dropped;
    }
}
