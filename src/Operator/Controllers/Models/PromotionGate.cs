using System.Globalization;
using Flywheel.Operator.Api.V1Alpha1;
using Flywheel.Operator.Builders;

namespace Flywheel.Operator.Controllers.Models;

/// <summary>What the gate decided about a trained version.</summary>
public sealed record PromotionDecision(VersionPhase Phase, string Reason, string Message)
{
    public bool Promote => Phase == VersionPhase.Promoted;
}

/// <summary>
/// The promotion gate: a metric floor, a margin over the promoted version on the same metric, and in manual mode
/// a person's approval. Pure, so that every rule is tested without a cluster.
/// </summary>
public static class PromotionGate
{
    /// <summary>The annotation that approves a version in manual mode, for users who cannot edit the spec (GitOps).</summary>
    public const string ApprovalAnnotation = "flywheel.dev/approved-version";

    public static PromotionDecision Evaluate(ModelSpec spec, ModelStatus status, ModelVersionStatus candidate, string? approvedVersion)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(candidate);
        var promotion = spec.Promotion ?? new PromotionSpec();
        var metric = PromotionMetrics.Effective(spec.Task, promotion.Metric);
        var name = PromotionMetrics.TrainerName(metric);
        var lowerIsBetter = PromotionMetrics.LowerIsBetter(metric);
        if (candidate.Metrics is null || !candidate.Metrics.TryGetValue(name, out var value))
        {
            return new(VersionPhase.Rejected, "MetricMissing", $"version {candidate.Version} reports no {name}; the trainer's results have {string.Join(", ", candidate.Metrics?.Keys.AsEnumerable() ?? [])}");
        }

        if (promotion.Minimum is { } minimum && (lowerIsBetter ? value > minimum : value < minimum))
        {
            return new(VersionPhase.Rejected, "BelowMinimum", $"{name}={Format(value)} does not reach the minimum {Format(minimum)} (spec.promotion.minimum)");
        }

        var current = status.PromotedVersion is { } promoted && promoted != candidate.Version ? status.FindVersion(promoted) : null;
        if (current?.Metrics is { } currentMetrics && currentMetrics.TryGetValue(name, out var currentValue))
        {
            var margin = promotion.MustBeatCurrentBy ?? 0.0;
            var gain = lowerIsBetter ? currentValue - value : value - currentValue;
            // A small epsilon so that 0.91 - 0.90 counts as beating by 0.01 despite binary floating point.
            if (gain + 1e-9 < margin)
            {
                return new(VersionPhase.Rejected, "DidNotBeatCurrent",
                    $"{name}={Format(value)} does not beat the promoted version {current.Version} ({name}={Format(currentValue)}) by {Format(margin)} (spec.promotion.mustBeatCurrentBy)");
            }
        }

        if ((promotion.Mode ?? PromotionMode.Auto) == PromotionMode.Manual && approvedVersion != candidate.Version)
        {
            return new(VersionPhase.Candidate, "AwaitingApproval",
                $"version {candidate.Version} passed the gate ({name}={Format(value)}); approve it by setting spec.promotion.approvedVersion: \"{candidate.Version}\" or the annotation {ApprovalAnnotation}");
        }

        return new(VersionPhase.Promoted, "Promoted", $"version {candidate.Version} promoted with {name}={Format(value)}");
    }

    /// <summary>The version a person approved: the spec field wins over the annotation.</summary>
    public static string? ApprovedVersion(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Spec.Promotion?.ApprovedVersion is { Length: > 0 } approved)
        {
            return approved;
        }

        return model.Metadata.Annotations is { } annotations && annotations.TryGetValue(ApprovalAnnotation, out var annotated) && annotated.Length > 0 ? annotated : null;
    }

    /// <summary>The metric of a version as the status shows it, for example <c>auc=0.912</c>.</summary>
    public static string? MetricText(ModelSpec spec, ModelVersionStatus? version)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var name = PromotionMetrics.TrainerName(PromotionMetrics.Effective(spec.Task, spec.Promotion?.Metric));
        return version?.Metrics is { } metrics && metrics.TryGetValue(name, out var value) ? $"{name}={Format(value)}" : null;
    }

    private static string Format(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
