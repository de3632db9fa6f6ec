using System.Text.Json.Serialization;
using Flywheel.Operator.Api.Schema;

namespace Flywheel.Operator.Api.V1Alpha1;

/// <summary>The triggers of a RetrainPolicy; each one set is evaluated.</summary>
public sealed class RetrainTriggers
{
    /// <summary>Retrain on a cron schedule.</summary>
    public ScheduleTrigger? Schedule { get; set; }

    /// <summary>Retrain when the served inputs drift from the training distribution.</summary>
    public InputDriftTrigger? InputDrift { get; set; }

    /// <summary>Retrain when the predicted-class distribution drifts from training.</summary>
    public PredictionDriftTrigger? PredictionDrift { get; set; }

    /// <summary>Retrain when too many requests carry categories the model never saw.</summary>
    public UnknownCategoriesTrigger? UnknownCategories { get; set; }

    /// <summary>Retrain when live accuracy (from feedback labels) falls below a floor.</summary>
    public AccuracyTrigger? Accuracy { get; set; }

    /// <summary>Retrain when too much thumbs-down feedback arrives.</summary>
    public FeedbackTrigger? Feedback { get; set; }

    /// <summary>Retrain when the training data changes.</summary>
    public DataChangeTrigger? DataChange { get; set; }

    /// <summary>Retrain when a PromQL query crosses a threshold.</summary>
    [ListMap("name")]
    [Items(0, 20)]
    public List<CustomTrigger>? Custom { get; set; }
}

/// <summary>A cron schedule.</summary>
public sealed class ScheduleTrigger
{
    /// <summary>Five-field cron expression, for example "0 3 * * 1" (Mondays 03:00); an invalid one is reported as Degraded.</summary>
    [Required]
    [Length(1, 256)]
    public string Cron { get; set; } = string.Empty;

    /// <summary>IANA time zone of the schedule, for example Europe/Berlin.</summary>
    [Default("UTC")]
    [Length(1, 64)]
    public string? TimeZone { get; set; }
}

/// <summary>Input drift trigger.</summary>
public sealed class InputDriftTrigger
{
    /// <summary>Drift score above which the trigger fires (greater than 0; for psi 0.2 is a common choice).</summary>
    [Required]
    [Minimum(0, Exclusive = true)]
    public double Threshold { get; set; }

    /// <summary>psi, jensenShannon or wasserstein; absent uses the deployment's monitoring.driftMethod.</summary>
    public DriftMethod? Method { get; set; }

    /// <summary>Fewest requests in the window before drift is judged.</summary>
    [Default(500)]
    [Minimum(1)]
    public int? MinSamples { get; set; }

    /// <summary>Features to watch; empty watches every feature (the trigger fires on the worst one).</summary>
    [ListSet]
    [Items(0, 2000)]
    public List<string>? Features { get; set; }
}

/// <summary>Prediction drift trigger.</summary>
public sealed class PredictionDriftTrigger
{
    /// <summary>Drift score of the prediction distribution above which the trigger fires (greater than 0).</summary>
    [Required]
    [Minimum(0, Exclusive = true)]
    public double Threshold { get; set; }

    /// <summary>Fewest predictions in the window before drift is judged.</summary>
    [Default(500)]
    [Minimum(1)]
    public int? MinSamples { get; set; }
}

/// <summary>Unknown-category trigger.</summary>
public sealed class UnknownCategoriesTrigger
{
    /// <summary>Fraction of requests with an unseen category above which the trigger fires, in [0,1].</summary>
    [Required]
    [Minimum(0)]
    [Maximum(1)]
    public double MaxRate { get; set; }

    /// <summary>Fewest requests in the window before the rate is judged.</summary>
    [Default(500)]
    [Minimum(1)]
    public int? MinSamples { get; set; }
}

/// <summary>Live accuracy trigger.</summary>
public sealed class AccuracyTrigger
{
    /// <summary>Live accuracy below which the trigger fires, in [0,1].</summary>
    [Required]
    [Minimum(0)]
    [Maximum(1)]
    public double Minimum { get; set; }

    /// <summary>Fewest labelled predictions before accuracy is judged.</summary>
    [Default(100)]
    [Minimum(1)]
    public int? MinLabeled { get; set; }
}

/// <summary>Negative feedback trigger.</summary>
public sealed class FeedbackTrigger
{
    /// <summary>Share of thumbs-down among feedback above which the trigger fires, in [0,1].</summary>
    [Required]
    [Minimum(0)]
    [Maximum(1)]
    public double MaxNegativeRatio { get; set; }

    /// <summary>Fewest feedback events before the ratio is judged.</summary>
    [Default(50)]
    [Minimum(1)]
    public int? MinFeedback { get; set; }
}

/// <summary>Data change trigger.</summary>
public sealed class DataChangeTrigger
{
    /// <summary>How often the data source's digest is checked, for example 15m.</summary>
    [Default("15m")]
    [Pattern(ApiPatterns.Duration)]
    public string? PollInterval { get; set; }
}

/// <summary>A PromQL trigger.</summary>
public sealed class CustomTrigger
{
    /// <summary>Name of the trigger, shown in status and in the TrainingRun's trigger.</summary>
    [Required]
    [Length(1, 63)]
    [Pattern("^[a-z][a-zA-Z0-9-]*$")]
    public string Name { get; set; } = string.Empty;

    /// <summary>A PromQL query returning one number; an invalid query is reported as Degraded.</summary>
    [Required]
    [Length(1, 4096)]
    public string Promql { get; set; } = string.Empty;

    /// <summary>How the value is compared with the threshold: gt, ge, lt or le.</summary>
    [Default(ComparisonOperator.GreaterThan)]
    public ComparisonOperator? Operator { get; set; }

    /// <summary>The threshold the value is compared with.</summary>
    [Required]
    public double Threshold { get; set; }
}

/// <summary>Comparison of a custom trigger.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ComparisonOperator>))]
public enum ComparisonOperator
{
    [JsonStringEnumMemberName("gt")]
    GreaterThan,

    [JsonStringEnumMemberName("ge")]
    GreaterOrEqual,

    [JsonStringEnumMemberName("lt")]
    LessThan,

    [JsonStringEnumMemberName("le")]
    LessOrEqual,
}
