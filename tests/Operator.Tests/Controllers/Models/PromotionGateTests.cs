using Flywheel.Operator.Api.V1Alpha1;
using Flywheel.Operator.Controllers.Models;
using k8s.Models;

namespace Flywheel.Operator.Tests.Controllers.Models;

public sealed class PromotionGateTests
{
    private static ModelSpec Spec(PromotionSpec? promotion, ModelTask task = ModelTask.BinaryClassification) =>
        new() { Task = task, Promotion = promotion };

    private static ModelVersionStatus Version(string version, string metric, double value) =>
        new() { Version = version, Metrics = new() { [metric] = value } };

    private static ModelStatus Promoted(ModelVersionStatus current)
    {
        var status = new ModelStatus { PromotedVersion = current.Version };
        current.Phase = VersionPhase.Promoted;
        status.SetVersion(current);
        return status;
    }

    public static TheoryData<string, PromotionSpec?, ModelStatus, ModelVersionStatus, string?, VersionPhase, string> Cases() => new()
    {
        { "first version, no gate", null, new ModelStatus(), Version("1.0", "auc", 0.7), null, VersionPhase.Promoted, "Promoted" },
        { "floor reached", new PromotionSpec { Minimum = 0.8 }, new ModelStatus(), Version("1.0", "auc", 0.8), null, VersionPhase.Promoted, "Promoted" },
        { "below the floor", new PromotionSpec { Minimum = 0.8 }, new ModelStatus(), Version("1.0", "auc", 0.79), null, VersionPhase.Rejected, "BelowMinimum" },
        { "beats the champion by the margin", new PromotionSpec { MustBeatCurrentBy = 0.01 }, Promoted(Version("1.0", "auc", 0.90)), Version("1.1", "auc", 0.91), null, VersionPhase.Promoted, "Promoted" },
        { "beats the champion by less than the margin", new PromotionSpec { MustBeatCurrentBy = 0.02 }, Promoted(Version("1.0", "auc", 0.90)), Version("1.1", "auc", 0.91), null, VersionPhase.Rejected, "DidNotBeatCurrent" },
        { "worse than the champion with no margin", new PromotionSpec(), Promoted(Version("1.0", "auc", 0.90)), Version("1.1", "auc", 0.89), null, VersionPhase.Rejected, "DidNotBeatCurrent" },
        { "metric the trainer did not report", new PromotionSpec { Metric = PromotionMetric.Rmse }, new ModelStatus(), Version("1.0", "auc", 0.9), null, VersionPhase.Rejected, "MetricMissing" },
        { "manual mode waits", new PromotionSpec { Mode = PromotionMode.Manual }, new ModelStatus(), Version("1.0", "auc", 0.9), null, VersionPhase.Candidate, "AwaitingApproval" },
        { "manual mode approved", new PromotionSpec { Mode = PromotionMode.Manual }, new ModelStatus(), Version("1.0", "auc", 0.9), "1.0", VersionPhase.Promoted, "Promoted" },
        { "manual approval of another version waits", new PromotionSpec { Mode = PromotionMode.Manual }, new ModelStatus(), Version("1.1", "auc", 0.9), "1.0", VersionPhase.Candidate, "AwaitingApproval" },
        { "the gate still applies to an approved version", new PromotionSpec { Mode = PromotionMode.Manual, Minimum = 0.95 }, new ModelStatus(), Version("1.0", "auc", 0.9), "1.0", VersionPhase.Rejected, "BelowMinimum" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Gate_decides(string name, PromotionSpec? promotion, ModelStatus status, ModelVersionStatus candidate, string? approved, VersionPhase phase, string reason)
    {
        Assert.NotEmpty(name);
        var decision = PromotionGate.Evaluate(Spec(promotion), status, candidate, approved);

        Assert.Equal(phase, decision.Phase);
        Assert.Equal(reason, decision.Reason);
    }

    [Theory]
    [InlineData(0.30, 0.28, 0.01, VersionPhase.Promoted)]
    [InlineData(0.30, 0.295, 0.01, VersionPhase.Rejected)]
    [InlineData(0.30, 0.31, 0.0, VersionPhase.Rejected)]
    public void Lower_is_better_for_rmse(double current, double candidate, double margin, VersionPhase expected)
    {
        var spec = Spec(new PromotionSpec { MustBeatCurrentBy = margin }, ModelTask.Regression);

        var decision = PromotionGate.Evaluate(spec, Promoted(Version("1.0", "rmse", current)), Version("1.1", "rmse", candidate), null);

        Assert.Equal(expected, decision.Phase);
    }

    [Fact]
    public void Rejection_message_names_the_field_to_change()
    {
        var decision = PromotionGate.Evaluate(Spec(new PromotionSpec { MustBeatCurrentBy = 0.05 }), Promoted(Version("1.0", "auc", 0.9)), Version("1.1", "auc", 0.92), null);

        Assert.Equal("auc=0.92 does not beat the promoted version 1.0 (auc=0.9) by 0.05 (spec.promotion.mustBeatCurrentBy)", decision.Message);
    }

    [Fact]
    public void Approval_comes_from_the_spec_field_before_the_annotation()
    {
        var model = new Model { Metadata = new V1ObjectMeta { Annotations = new Dictionary<string, string> { [PromotionGate.ApprovalAnnotation] = "1.2" } } };
        Assert.Equal("1.2", PromotionGate.ApprovedVersion(model));

        model.Spec.Promotion = new PromotionSpec { ApprovedVersion = "1.3" };
        Assert.Equal("1.3", PromotionGate.ApprovedVersion(model));
    }
}
