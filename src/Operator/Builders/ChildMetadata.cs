using k8s;
using k8s.Models;

namespace Flywheel.Operator.Builders;

/// <summary>Labels and owner references shared by every child the operator builds.</summary>
public static class ChildMetadata
{
    public const string ManagedBy = "flywheel-operator";
    public const string ModelLabel = "flywheel.dev/model";
    public const string DeploymentLabel = "flywheel.dev/deployment";
    public const string TrainingRunLabel = "flywheel.dev/training-run";
    public const string VersionLabel = "flywheel.dev/version";
    public const string ComponentLabel = "app.kubernetes.io/component";

    /// <summary>The reference that makes <paramref name="owner"/> the controller of a child (garbage collection, owner enqueue).</summary>
    public static V1OwnerReference ControllerReference(IKubernetesObject<V1ObjectMeta> owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        return new V1OwnerReference
        {
            ApiVersion = owner.ApiVersion,
            Kind = owner.Kind,
            Name = owner.Metadata.Name,
            Uid = owner.Metadata.Uid,
            Controller = true,
            BlockOwnerDeletion = true,
        };
    }

    /// <summary>Metadata of a child in the owner's namespace, controlled by the owner.</summary>
    public static V1ObjectMeta For(IKubernetesObject<V1ObjectMeta> owner, string name, IDictionary<string, string> labels) => new()
    {
        Name = name,
        NamespaceProperty = owner.Metadata.NamespaceProperty,
        Labels = labels,
        OwnerReferences = [ControllerReference(owner)],
    };

    /// <summary>Resource requirements with requests equal to limits, and <c>nvidia.com/gpu</c> when GPUs are asked for.</summary>
    public static V1ResourceRequirements? Resources(Api.V1Alpha1.ComputeResources? compute)
    {
        if (compute is null)
        {
            return null;
        }

        var quantities = new Dictionary<string, ResourceQuantity>();
        if (compute.Cpu is { } cpu)
        {
            quantities["cpu"] = cpu;
        }

        if (compute.Memory is { } memory)
        {
            quantities["memory"] = memory;
        }

        if (compute.Gpu is > 0 and var gpu)
        {
            quantities["nvidia.com/gpu"] = new ResourceQuantity(gpu.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return quantities.Count == 0
            ? null
            : new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity>(quantities), Limits = quantities };
    }

    /// <summary>The pod-level security every operator-made pod runs with: the images' non-root user, default seccomp.</summary>
    public static V1PodSecurityContext PodSecurity() => new()
    {
        RunAsNonRoot = true,
        RunAsUser = 65532,
        RunAsGroup = 65532,
        FsGroup = 65532,
        SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
    };

    /// <summary>Container security: no privilege escalation, read-only root, no capabilities.</summary>
    public static V1SecurityContext ContainerSecurity() => new()
    {
        AllowPrivilegeEscalation = false,
        ReadOnlyRootFilesystem = true,
        RunAsNonRoot = true,
        Capabilities = new V1Capabilities { Drop = ["ALL"] },
        SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
    };
}
