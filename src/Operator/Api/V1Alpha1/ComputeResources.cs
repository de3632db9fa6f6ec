using Flywheel.Operator.Api.Schema;
using k8s.Models;

namespace Flywheel.Operator.Api.V1Alpha1;

/// <summary>Compute a pod asks for; requests equal limits so that scheduling is predictable.</summary>
public sealed class ComputeResources
{
    /// <summary>CPU per pod as a Kubernetes quantity, for example <c>500m</c> or <c>2</c>.</summary>
    public ResourceQuantity? Cpu { get; set; }

    /// <summary>Memory per pod as a Kubernetes quantity, for example <c>512Mi</c> or <c>4Gi</c>.</summary>
    public ResourceQuantity? Memory { get; set; }

    /// <summary>NVIDIA GPUs per pod (<c>nvidia.com/gpu</c>); 0 runs on CPU.</summary>
    [Minimum(0)]
    [Maximum(16)]
    public int? Gpu { get; set; }
}
