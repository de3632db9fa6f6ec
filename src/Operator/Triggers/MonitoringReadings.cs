using Flywheel.Contracts.Monitoring;
using Flywheel.Operator.Api.V1Alpha1;
using ContractDrift = Flywheel.Contracts.Monitoring.DriftMethod;

namespace Flywheel.Operator.Triggers;

/// <summary>Trigger readings from a monitoring summary merged across the deployment's replicas.</summary>
public static class MonitoringReadings
{
    public static TriggerReadings From(MonitoringSummary summary, RetrainTriggers triggers)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(triggers);
        var feedback = summary.Feedback;
        var thumbs = feedback.Positive + feedback.Negative;
        return new TriggerReadings
        {
            InputDrift = triggers.InputDrift is { } input ? InputDrift(summary, input) : null,
            PredictionDrift = new Reading(summary.Predictions.Samples == 0 ? null : summary.Predictions.Drift, summary.Predictions.Samples,
                summary.Predictions.Samples == 0 ? "no predictions in the window" : null),
            UnknownCategories = UnknownCategories(summary),
            Accuracy = new Reading(feedback.Accuracy, feedback.Labeled, feedback.Accuracy is null ? "no labelled feedback in the window" : null),
            NegativeFeedback = new Reading(thumbs == 0 ? null : (double)feedback.Negative / thumbs, thumbs, thumbs == 0 ? "no thumbs feedback in the window" : null),
        };
    }

    /// <summary>The worst watched feature's drift, recomputed with the trigger's method when it differs from the server's.</summary>
    private static Reading InputDrift(MonitoringSummary summary, InputDriftTrigger trigger)
    {
        var watched = trigger.Features is { Count: > 0 } names ? names.ToHashSet(StringComparer.Ordinal) : null;
        var features = summary.Features.Where(f => watched is null || watched.Contains(f.Name)).ToList();
        if (features.Count == 0)
        {
            return Reading.Missing(watched is null ? "the model has no input features in its summary" : $"none of the watched features ({string.Join(", ", watched)}) is in the model's summary");
        }

        var method = trigger.Method is { } m ? Convert(m) : summary.DriftMethod;
        var worst = features
            .Select(f => (f.Name, Drift: method == summary.DriftMethod ? f.Drift : DriftMath.Compute(method, f.Counts, f.Baseline, ordered: f.Type == "numeric")))
            .MaxBy(f => f.Drift);
        return new Reading(summary.Samples == 0 ? null : worst.Drift, summary.Samples, summary.Samples == 0 ? "no requests in the window" : $"worst feature: {worst.Name}");
    }

    private static Reading UnknownCategories(MonitoringSummary summary)
    {
        var categorical = summary.Features.Where(f => f.Type == "categorical").ToList();
        if (categorical.Count == 0)
        {
            return Reading.Missing("the model has no categorical features");
        }

        var worst = categorical.MaxBy(f => f.UnknownRate)!;
        return new Reading(summary.Samples == 0 ? null : worst.UnknownRate, summary.Samples, $"worst feature: {worst.Name}");
    }

    public static ContractDrift Convert(Api.V1Alpha1.DriftMethod method) => method switch
    {
        Api.V1Alpha1.DriftMethod.JensenShannon => ContractDrift.JensenShannon,
        Api.V1Alpha1.DriftMethod.Wasserstein => ContractDrift.Wasserstein,
        _ => ContractDrift.Psi,
    };
}
