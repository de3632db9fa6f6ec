using System.Text.Json.Serialization;
using Flywheel.Operator.Api.Schema;

namespace Flywheel.Operator.Api.V1Alpha1;

/// <summary>The gate a trained version passes before deployments serve it.</summary>
public sealed class PromotionSpec
{
    /// <summary>auto promotes every version that passes the gate; manual waits until approvedVersion names it.</summary>
    [Default(PromotionMode.Auto)]
    public PromotionMode? Mode { get; set; }

    /// <summary>
    /// The metric the gate compares, one the trainer reports. Classification: auc, accuracy,
    /// microAccuracy (the same as accuracy), f1 or macroAccuracy (both the trainer's macro-F1);
    /// regression: rmse, mae, rSquared. Absent: auc (binary), macroAccuracy (multiclass), rmse (regression).
    /// </summary>
    public PromotionMetric? Metric { get; set; }

    /// <summary>The metric must reach this: at least this value, or at most it for metrics where lower is better (rmse, mae).</summary>
    public double? Minimum { get; set; }

    /// <summary>
    /// A new version must beat the promoted one by at least this margin (in metric units). A negative
    /// margin tolerates a drop of that size: after drift, the promoted version's metric was measured on
    /// data that no longer describes the traffic.
    /// </summary>
    [Default(0.0)]
    [Minimum(-1)]
    [Maximum(1)]
    public double? MustBeatCurrentBy { get; set; }

    /// <summary>Among trials within this margin of the best, choose the simplest model (fewest trees or leaves, linear before trees).</summary>
    [Default(0.0)]
    [Minimum(0)]
    public double? PreferSimplerWithin { get; set; }

    /// <summary>In manual mode, the version to promote (MAJOR.MINOR); setting it is the approval.</summary>
    [Pattern(ApiPatterns.Version)]
    public string? ApprovedVersion { get; set; }
}

/// <summary>Promotion mode.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PromotionMode>))]
public enum PromotionMode
{
    [JsonStringEnumMemberName("auto")]
    Auto,

    [JsonStringEnumMemberName("manual")]
    Manual,
}

/// <summary>Metrics a promotion gate can compare.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PromotionMetric>))]
public enum PromotionMetric
{
    [JsonStringEnumMemberName("auc")]
    Auc,

    [JsonStringEnumMemberName("accuracy")]
    Accuracy,

    [JsonStringEnumMemberName("f1")]
    F1,

    [JsonStringEnumMemberName("microAccuracy")]
    MicroAccuracy,

    [JsonStringEnumMemberName("macroAccuracy")]
    MacroAccuracy,

    [JsonStringEnumMemberName("rmse")]
    Rmse,

    [JsonStringEnumMemberName("mae")]
    Mae,

    [JsonStringEnumMemberName("rSquared")]
    RSquared,
}
