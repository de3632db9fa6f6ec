using System.Globalization;
using Flywheel.Operator.Api.V1Alpha1;
using k8s.Models;

namespace Flywheel.Operator.Builders;

/// <summary>The inference Deployment of a ModelDeployment serving one resolved version.</summary>
public static class InferenceDeploymentBuilder
{
    public const string ContainerName = "inference";
    public const int Port = 8080;

    /// <summary>Labels the pods are selected by; stable across versions so that a version change is a rolling update.</summary>
    public static Dictionary<string, string> SelectorLabels(ModelDeployment deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        return new() { [ChildMetadata.DeploymentLabel] = deployment.Metadata.Name };
    }

    /// <summary>The <c>status.selector</c> of the scale subresource.</summary>
    public static string Selector(ModelDeployment deployment) =>
        string.Join(',', SelectorLabels(deployment).Select(l => $"{l.Key}={l.Value}"));

    public static Dictionary<string, string> Labels(ModelDeployment deployment)
    {
        var labels = SelectorLabels(deployment);
        labels[ChildMetadata.ComponentLabel] = "inference";
        labels["app.kubernetes.io/managed-by"] = ChildMetadata.ManagedBy;
        labels[ChildMetadata.ModelLabel] = deployment.Spec.ModelRef.Name;
        return labels;
    }

    /// <summary>True when an autoscaler, not the Deployment's spec.replicas, decides the pod count.</summary>
    public static bool IsAutoscaled(ModelDeployment deployment) =>
        deployment.Spec.Autoscaling is { } autoscaling && (autoscaling.Engine ?? AutoscalingEngine.Hpa) != AutoscalingEngine.None;

    public static V1Deployment Build(ModelDeployment deployment, string version, OperatorSettings settings)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(settings);
        var spec = deployment.Spec;
        var ns = deployment.Metadata.NamespaceProperty;
        var model = spec.ModelRef.Name;
        var podLabels = Labels(deployment);
        podLabels[ChildMetadata.VersionLabel] = version;
        var http = (IntOrString)"http";
        return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = ChildMetadata.For(deployment, ChildNames.Inference(deployment.Metadata.Name), Labels(deployment)),
            Spec = new V1DeploymentSpec
            {
                // An autoscaler owns the count; setting it here would fight the autoscaler on every apply.
                Replicas = IsAutoscaled(deployment) ? null : spec.Replicas ?? 1,
                Selector = new V1LabelSelector { MatchLabels = SelectorLabels(deployment) },
                Strategy = new V1DeploymentStrategy
                {
                    Type = "RollingUpdate",
                    RollingUpdate = new V1RollingUpdateDeployment
                    {
                        MaxSurge = spec.Rollout?.MaxSurge ?? (IntOrString)"25%",
                        MaxUnavailable = spec.Rollout?.MaxUnavailable ?? (IntOrString)0,
                    },
                },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta
                    {
                        Labels = podLabels,
                        Annotations = new Dictionary<string, string>
                        {
                            ["prometheus.io/scrape"] = "true",
                            ["prometheus.io/port"] = Port.ToString(CultureInfo.InvariantCulture),
                            ["prometheus.io/path"] = "/metrics",
                        },
                    },
                    Spec = new V1PodSpec
                    {
                        SecurityContext = ChildMetadata.PodSecurity(),
                        Containers =
                        [
                            new V1Container
                            {
                                Name = ContainerName,
                                Image = settings.InferenceImage,
                                Args = ["serve"],
                                Ports = [new V1ContainerPort { Name = "http", ContainerPort = Port, Protocol = "TCP" }],
                                Env = Environment(deployment, ns, model, version, settings),
                                Resources = ChildMetadata.Resources(spec.Resources),
                                ReadinessProbe = new V1Probe
                                {
                                    HttpGet = new V1HTTPGetAction { Path = "/v2/health/ready", Port = http },
                                    PeriodSeconds = 5,
                                    FailureThreshold = 3,
                                },
                                LivenessProbe = new V1Probe
                                {
                                    HttpGet = new V1HTTPGetAction { Path = "/v2/health/live", Port = http },
                                    PeriodSeconds = 10,
                                    FailureThreshold = 3,
                                },
                                VolumeMounts =
                                [
                                    new V1VolumeMount { Name = "model-store", MountPath = settings.PodModelStorePath, ReadOnlyProperty = !LogsPredictions(deployment) },
                                    new V1VolumeMount { Name = "tmp", MountPath = "/tmp" },
                                ],
                                SecurityContext = ChildMetadata.ContainerSecurity(),
                            },
                        ],
                        Volumes =
                        [
                            new V1Volume
                            {
                                Name = "model-store",
                                PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = settings.ModelStoreClaim, ReadOnlyProperty = !LogsPredictions(deployment) },
                            },
                            new V1Volume { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource() },
                        ],
                    },
                },
            },
        };
    }

    /// <summary>With feedback on, pods write prediction logs into the model store, so it is mounted writable.</summary>
    private static bool LogsPredictions(ModelDeployment deployment) => deployment.Spec.Feedback?.Enabled == true;

    // Names as src/InferenceServer/Hosting/ServerOptions.cs reads them: FLYWHEEL_ + the option in upper snake case.
    private static List<V1EnvVar> Environment(ModelDeployment deployment, string ns, string model, string version, OperatorSettings settings)
    {
        var spec = deployment.Spec;
        var env = new List<V1EnvVar>
        {
            new() { Name = "FLYWHEEL_MODEL_DIR", Value = $"{settings.PodModelStorePath}/{ns}/{model}" },
            new() { Name = "FLYWHEEL_MODEL_NAME", Value = model },
            new() { Name = "FLYWHEEL_NAMESPACE", Value = ns },
            new() { Name = "FLYWHEEL_MODEL_VERSION", Value = version },
            new() { Name = "FLYWHEEL_PORT", Value = Port.ToString(CultureInfo.InvariantCulture) },
            new() { Name = "FLYWHEEL_EXECUTION_PROVIDER", Value = ApiText.Of(spec.ExecutionProvider ?? ExecutionProvider.Auto) },
            new() { Name = "FLYWHEEL_MAX_BATCH_SIZE", Value = (spec.Batching?.MaxBatchSize ?? 32).ToString(CultureInfo.InvariantCulture) },
            new() { Name = "FLYWHEEL_MAX_DELAY_MS", Value = (spec.Batching?.MaxDelayMilliseconds ?? 5).ToString(CultureInfo.InvariantCulture) },
            new() { Name = "FLYWHEEL_MONITORING", Value = "on" },
            new() { Name = "FLYWHEEL_DRIFT_METHOD", Value = ApiText.Of(spec.Monitoring?.DriftMethod ?? DriftMethod.Psi) },
            new() { Name = "FLYWHEEL_REPLICA", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.name" } } },
        };
        if (LogsPredictions(deployment))
        {
            // Predictions are logged so that feedback can be joined to them and fed back into training.
            env.Add(new V1EnvVar { Name = "FLYWHEEL_LOG_DIR", Value = LogDirectory(settings, ns, model) });
        }

        return env;
    }

    /// <summary>
    /// Where the inference pods append prediction and feedback logs on the model store, and where the
    /// trainer reads them back when the Model includes feedback.
    /// </summary>
    public static string LogDirectory(OperatorSettings settings, string ns, string model)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return $"{settings.PodModelStorePath}/{ns}/{model}/logs";
    }
}
