using Flywheel.Operator.Api.V1Alpha1;

namespace Flywheel.Operator.Builders;

/// <summary>
/// The promotion metric as the trainer names it in its results. The API keeps the names users know; the
/// trainer reports accuracy, macroF1, auc, rmse, mae and r2, so the gate and the frozen spec translate.
/// </summary>
public static class PromotionMetrics
{
    public static PromotionMetric Effective(ModelTask task, PromotionMetric? metric) => metric ?? task switch
    {
        ModelTask.BinaryClassification => PromotionMetric.Auc,
        ModelTask.MulticlassClassification => PromotionMetric.MacroAccuracy,
        _ => PromotionMetric.Rmse,
    };

    /// <summary>The key of the metric in the trainer's results.</summary>
    public static string TrainerName(PromotionMetric metric) => metric switch
    {
        PromotionMetric.Auc => "auc",
        PromotionMetric.Accuracy or PromotionMetric.MicroAccuracy => "accuracy",
        // The trainer's multiclass score is the macro average of per-class F1, its stand-in for macro accuracy.
        PromotionMetric.F1 or PromotionMetric.MacroAccuracy => "macroF1",
        PromotionMetric.Rmse => "rmse",
        PromotionMetric.Mae => "mae",
        PromotionMetric.RSquared => "r2",
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, null),
    };

    /// <summary>True for metrics where a smaller value is the better model.</summary>
    public static bool LowerIsBetter(PromotionMetric metric) => metric is PromotionMetric.Rmse or PromotionMetric.Mae;
}
