using k8s;
using k8s.Models;

namespace Flywheel.Operator.Runtime.Informers;

/// <summary>Hands out the <see cref="IResourceApi{T}"/> of a kind.</summary>
public interface IResourceApis
{
    IResourceApi<T> For<T>() where T : class, IKubernetesObject<V1ObjectMeta>;
}

/// <summary>The API server's kinds: the typed client for built-ins, CustomObjects for custom resources.</summary>
public sealed class KubernetesResourceApis(IKubernetes client) : IResourceApis
{
    public IResourceApi<T> For<T>() where T : class, IKubernetesObject<V1ObjectMeta>
    {
        if (BuiltInResourceApis.TryCreate<T>(client) is { } builtIn)
        {
            return builtIn;
        }

        var type = ResourceType.Of<T>();
        if (type.Group.Length == 0 || type.Group.EndsWith(".k8s.io", StringComparison.Ordinal) || type.Group is "apps" or "batch" or "autoscaling" or "policy")
        {
            throw new NotSupportedException($"The built-in kind {type.Kind} ({type.ApiVersion}) has no typed binding in the runtime; add it to BuiltInResourceApis.");
        }

        return new CustomResourceApi<T>(client);
    }
}
