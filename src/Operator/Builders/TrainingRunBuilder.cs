using Flywheel.Operator.Api.V1Alpha1;
using k8s;

namespace Flywheel.Operator.Builders;

/// <summary>
/// A TrainingRun with a frozen copy of its Model's spec. Every run is controlled by its Model (garbage collection,
/// and a finished run wakes the Model to register the version), whoever decided to start it.
/// </summary>
public static class TrainingRunBuilder
{
    public const string ReasonLabel = "flywheel.dev/reason";
    public const string PolicyLabel = "flywheel.dev/retrain-policy";

    public static TrainingRun Build(Model model, string name, RunReason reason, TriggerRecord? trigger)
    {
        ArgumentNullException.ThrowIfNull(model);
        var labels = new Dictionary<string, string>
        {
            ["app.kubernetes.io/managed-by"] = ChildMetadata.ManagedBy,
            [ChildMetadata.ModelLabel] = model.Metadata.Name,
            [ReasonLabel] = ApiText.Of(reason),
        };
        if (trigger?.Policy is { } policy)
        {
            labels[PolicyLabel] = policy;
        }

        return new TrainingRun
        {
            Metadata = ChildMetadata.For(model, name, labels),
            Spec = new TrainingRunSpec
            {
                ModelRef = new ObjectReference { Name = model.Metadata.Name },
                Reason = reason,
                Trigger = trigger,
                ModelGeneration = model.Metadata.Generation,
                Task = model.Spec.Task,
                Data = Copy(model.Spec.Data),
                Preprocessing = Copy(model.Spec.Preprocessing),
                Training = Copy(model.Spec.Training),
            },
            Status = null!,
        };
    }

    // A deep copy, so that the run's record never shares objects with the live Model.
    private static T? Copy<T>(T? value) where T : class =>
        value is null ? null : KubernetesJson.Deserialize<T>(KubernetesJson.Serialize(value));
}
