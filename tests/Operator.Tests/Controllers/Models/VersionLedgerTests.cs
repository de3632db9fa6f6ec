using Flywheel.Operator.Api.V1Alpha1;
using Flywheel.Operator.Controllers.Models;

namespace Flywheel.Operator.Tests.Controllers.Models;

public sealed class VersionLedgerTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static TrainingRunSpec Run(params string[] features) => new()
    {
        Task = ModelTask.BinaryClassification,
        Data = new DataSpec { LabelColumn = "churned", Features = [.. features.Select(f => new FeatureSpec { Name = f, Type = FeatureType.Numeric })] },
    };

    [Fact]
    public void Versions_follow_one_point_zero_then_minor_then_major_on_a_schema_change()
    {
        var first = Run("tenure");
        var retrain = Run("tenure");
        var newSchema = Run("tenure", "charges");
        var taken = new List<string?>();

        var v1 = VersionPlanner.Next(taken, schemaChanged: false);
        taken.Add(v1.ToString());
        var v2 = VersionPlanner.Next(taken, VersionPlanner.SchemaFingerprint(retrain) != VersionPlanner.SchemaFingerprint(first));
        taken.Add(v2.ToString());
        var v3 = VersionPlanner.Next(taken, VersionPlanner.SchemaFingerprint(newSchema) != VersionPlanner.SchemaFingerprint(retrain));

        Assert.Equal(["1.0", "1.1", "2.0"], new[] { v1, v2, v3 }.Select(v => v.ToString()));
    }

    [Fact]
    public void A_version_planned_by_a_run_in_flight_is_not_planned_twice() =>
        Assert.Equal("1.3", VersionPlanner.Next(["1.0", "1.2", null, "garbage", "1.1"], schemaChanged: false).ToString());

    [Fact]
    public void Fingerprint_ignores_feature_order_but_not_types()
    {
        var a = Run("a", "b");
        var b = Run("b", "a");
        var c = Run("a", "b");
        c.Data!.Features![0].Type = FeatureType.Categorical;

        Assert.Equal(VersionPlanner.SchemaFingerprint(a), VersionPlanner.SchemaFingerprint(b));
        Assert.NotEqual(VersionPlanner.SchemaFingerprint(a), VersionPlanner.SchemaFingerprint(c));
    }

    [Fact]
    public void Promotion_retires_the_previous_version_and_records_the_metric()
    {
        var spec = new ModelSpec { Task = ModelTask.BinaryClassification };
        var status = new ModelStatus();
        VersionLedger.Register(spec, status, new ModelVersionStatus { Version = "1.0", Metrics = new() { ["auc"] = 0.8 } }, new PromotionDecision(VersionPhase.Promoted, "Promoted", "ok"), Now);
        VersionLedger.Register(spec, status, new ModelVersionStatus { Version = "1.1", Metrics = new() { ["auc"] = 0.85 } }, new PromotionDecision(VersionPhase.Promoted, "Promoted", "ok"), Now);

        Assert.Equal("1.1", status.PromotedVersion);
        Assert.Equal("1.1", status.LatestVersion);
        Assert.Equal("auc=0.85", status.Metric);
        Assert.Equal([VersionPhase.Retired, VersionPhase.Promoted], status.Versions!.Select(v => v.Phase!.Value));
        Assert.Equal("replaced by 1.1", status.Versions![0].Reason);
        Assert.Equal(Now, status.Versions![1].PromotedAt);
    }

    [Fact]
    public void A_rejected_version_becomes_latest_but_not_promoted()
    {
        var spec = new ModelSpec { Task = ModelTask.BinaryClassification };
        var status = new ModelStatus();
        VersionLedger.Register(spec, status, new ModelVersionStatus { Version = "1.0", Metrics = new() { ["auc"] = 0.8 } }, new PromotionDecision(VersionPhase.Promoted, "Promoted", "ok"), Now);
        VersionLedger.Register(spec, status, new ModelVersionStatus { Version = "1.1" }, new PromotionDecision(VersionPhase.Rejected, "BelowMinimum", "too low"), Now);

        Assert.Equal("1.0", status.PromotedVersion);
        Assert.Equal("1.1", status.LatestVersion);
        Assert.Equal("too low", status.FindVersion("1.1")!.Reason);
    }

    [Fact]
    public void Pruning_keeps_the_promoted_pinned_and_served_versions()
    {
        var status = new ModelStatus { PromotedVersion = "1.3" };
        foreach (var v in new[] { "1.0", "1.1", "1.2", "1.3", "1.4", "1.5" })
        {
            status.SetVersion(new ModelVersionStatus { Version = v });
        }

        var dropped = VersionLedger.Prune(status, keep: 3, protectedVersions: new HashSet<string> { "1.0" });

        Assert.Equal(["1.1", "1.2", "1.4"], dropped.Select(d => d.Version));
        Assert.Equal(["1.0", "1.3", "1.5"], status.Versions!.Select(v => v.Version));
    }

    [Fact]
    public void Pruning_never_drops_below_what_is_protected()
    {
        var status = new ModelStatus { PromotedVersion = "1.1" };
        status.SetVersion(new ModelVersionStatus { Version = "1.0" });
        status.SetVersion(new ModelVersionStatus { Version = "1.1" });

        var dropped = VersionLedger.Prune(status, keep: 1, protectedVersions: new HashSet<string> { "1.0" });

        Assert.Empty(dropped);
        Assert.Equal(2, status.Versions!.Count);
    }
}
