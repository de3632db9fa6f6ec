namespace Flywheel.Operator.Builders;

/// <summary>
/// What the operator was installed with (the Helm chart sets them as <c>Flywheel__TrainerImage</c> and so on):
/// images for the children it creates, the model store and the default Prometheus.
/// </summary>
public sealed record OperatorSettings
{
    /// <summary>Trainer image used when a Model does not name its own.</summary>
    public string TrainerImage { get; init; } = "ghcr.io/flywheel/flywheel-trainer:latest";

    /// <summary>Inference server image of every ModelDeployment.</summary>
    public string InferenceImage { get; init; } = "ghcr.io/flywheel/flywheel-inference:latest";

    /// <summary>The ReadWriteMany claim holding <c>&lt;namespace&gt;/&lt;model&gt;/&lt;version&gt;/</c>.</summary>
    public string ModelStoreClaim { get; init; } = "flywheel-model-store";

    /// <summary>Where trainer and inference pods mount the model store.</summary>
    public string PodModelStorePath { get; init; } = "/models";

    /// <summary>Where the operator's own pod mounts the model store (artifact cleanup).</summary>
    public string ModelStoreRoot { get; init; } = "/var/lib/flywheel/models";

    /// <summary>Prometheus for metric triggers, rollout analysis and KEDA; empty reads pods' monitoring summaries instead.</summary>
    public string? PrometheusUrl { get; init; }
}
