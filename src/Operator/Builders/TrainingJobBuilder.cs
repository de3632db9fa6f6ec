using Flywheel.Contracts.Artifacts;
using Flywheel.Contracts.Training;
using Flywheel.Operator.Api.V1Alpha1;
using k8s.Models;

namespace Flywheel.Operator.Builders;

/// <summary>The trainer Job of a TrainingRun and the ConfigMap holding its frozen spec.</summary>
public static class TrainingJobBuilder
{
    public const string SpecKey = "spec.json";
    public const string SpecMountPath = "/etc/flywheel";
    public const string DataRoot = "/data";
    public const string ContainerName = "trainer";

    /// <summary>A finished Job stays a day for <c>kubectl logs</c>; the run's status keeps the result for good.</summary>
    public const int TtlSecondsAfterFinished = 86_400;

    public static V1ConfigMap BuildSpecConfigMap(TrainingRun run, Contracts.Training.TrainingSpec spec)
    {
        ArgumentNullException.ThrowIfNull(run);
        return new V1ConfigMap
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = ChildMetadata.For(run, ChildNames.SpecConfigMap(run.Metadata.Name), Labels(run)),
            Data = new Dictionary<string, string> { [SpecKey] = TrainingSpecJson.Serialize(spec) },
        };
    }

    public static V1Job BuildJob(TrainingRun run, string version, OperatorSettings settings)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(settings);
        var training = run.Spec.Training ?? new Api.V1Alpha1.TrainingSpec();
        var labels = Labels(run);
        var podLabels = new Dictionary<string, string>(labels) { [ChildMetadata.VersionLabel] = version };
        var timeout = Durations.Parse(training.Timeout ?? "2h", "spec.training.timeout");
        var volumes = new List<V1Volume>
        {
            new() { Name = "spec", ConfigMap = new V1ConfigMapVolumeSource { Name = ChildNames.SpecConfigMap(run.Metadata.Name) } },
            new() { Name = "model-store", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = settings.ModelStoreClaim } },
            new() { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource() },
        };
        var mounts = new List<V1VolumeMount>
        {
            new() { Name = "spec", MountPath = SpecMountPath, ReadOnlyProperty = true },
            new() { Name = "model-store", MountPath = settings.PodModelStorePath },
            new() { Name = "tmp", MountPath = "/tmp" },
        };
        if (DataClaim(run.Spec.Data?.Source) is { } claim)
        {
            volumes.Add(new V1Volume { Name = "data", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = claim, ReadOnlyProperty = true } });
            mounts.Add(new V1VolumeMount { Name = "data", MountPath = $"{DataRoot}/{claim}", ReadOnlyProperty = true });
        }

        var env = new List<V1EnvVar>
        {
            new() { Name = TrainerEnvironment.Spec, Value = $"{SpecMountPath}/{SpecKey}" },
            new() { Name = TrainerEnvironment.Store, Value = settings.PodModelStorePath },
            new() { Name = TrainerEnvironment.TerminationLog, Value = TrainingSummary.DefaultPath },
            new() { Name = TrainerEnvironment.DataRoot, Value = DataRoot },
        };
        if (run.Spec.Data?.IncludeFeedback == true)
        {
            // The inference pods log predictions and feedback beside the model's versions on the store.
            env.Add(new V1EnvVar { Name = TrainerEnvironment.FeedbackLogs, Value = InferenceDeploymentBuilder.LogDirectory(settings, run.Metadata.NamespaceProperty, run.Spec.ModelRef.Name) });
        }

        if (run.Spec.Data?.CredentialsSecretRef?.Name is { Length: > 0 } secret)
        {
            // Every key is optional, so a Secret holds only what its source needs.
            env.AddRange(TrainerEnvironment.CredentialKeys.Select(c => new V1EnvVar
            {
                Name = c.Variable,
                ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = secret, Key = c.Key, Optional = true } },
            }));
        }

        return new V1Job
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Metadata = ChildMetadata.For(run, ChildNames.Job(run.Metadata.Name), labels),
            Spec = new V1JobSpec
            {
                // The trainer is deterministic (seeded): retrying a failed run repeats the failure on the same GPU budget.
                BackoffLimit = 0,
                ActiveDeadlineSeconds = (long)Math.Ceiling(timeout.TotalSeconds),
                TtlSecondsAfterFinished = TtlSecondsAfterFinished,
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = podLabels },
                    Spec = new V1PodSpec
                    {
                        RestartPolicy = "Never",
                        SecurityContext = ChildMetadata.PodSecurity(),
                        NodeSelector = training.NodeSelector is { Count: > 0 } selector ? new Dictionary<string, string>(selector) : null,
                        Tolerations = training.Tolerations is { Count: > 0 } tolerations ? [.. tolerations] : null,
                        Containers =
                        [
                            new V1Container
                            {
                                Name = ContainerName,
                                Image = string.IsNullOrEmpty(training.Image) ? settings.TrainerImage : training.Image,
                                Args = ["train"],
                                Env = env,
                                Resources = ChildMetadata.Resources(training.Resources),
                                VolumeMounts = mounts,
                                TerminationMessagePath = TrainingSummary.DefaultPath,
                                TerminationMessagePolicy = "FallbackToLogsOnError",
                                SecurityContext = ChildMetadata.ContainerSecurity(),
                            },
                        ],
                        Volumes = volumes,
                    },
                },
            },
        };
    }

    /// <summary>The claim of a <c>pvc://claim/path</c> data source, mounted where the trainer looks for it.</summary>
    public static string? DataClaim(string? source)
    {
        if (source is null || !source.StartsWith("pvc://", StringComparison.Ordinal))
        {
            return null;
        }

        var rest = source["pvc://".Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var claim = slash < 0 ? rest : rest[..slash];
        return claim.Length == 0 ? null : claim;
    }

    private static Dictionary<string, string> Labels(TrainingRun run) => new()
    {
        [ChildMetadata.ComponentLabel] = "trainer",
        ["app.kubernetes.io/managed-by"] = ChildMetadata.ManagedBy,
        [ChildMetadata.ModelLabel] = run.Spec.ModelRef.Name,
        [ChildMetadata.TrainingRunLabel] = run.Metadata.Name,
    };
}
