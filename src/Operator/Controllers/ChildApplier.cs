using System.Security.Cryptography;
using System.Text;
using Flywheel.Operator.Runtime.Api;
using k8s;
using k8s.Models;

namespace Flywheel.Operator.Controllers;

/// <summary>
/// Server-side applies a child only when its desired state changed: the hash of what the builder produced is
/// stamped on the child, and an equal stamp means nothing to write. A steady state then costs reads, never writes.
/// </summary>
public sealed class ChildApplier(KubeApi api)
{
    public const string HashAnnotation = "flywheel.dev/desired-hash";

    /// <summary>Applies <paramref name="desired"/> unless the live child carries its hash; true when it wrote.</summary>
    public async Task<bool> EnsureAsync<T>(T desired, CancellationToken cancellationToken) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(desired);
        var hash = Hash(desired);
        desired.Metadata.Annotations ??= new Dictionary<string, string>();
        desired.Metadata.Annotations[HashAnnotation] = hash;
        var live = await api.ReadAsync<T>(desired.Metadata.NamespaceProperty, desired.Metadata.Name, cancellationToken).ConfigureAwait(false);
        if (live?.Metadata?.Annotations is { } annotations && annotations.TryGetValue(HashAnnotation, out var liveHash) && liveHash == hash)
        {
            return false;
        }

        await api.ApplyAsync(desired, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public static string Hash<T>(T desired) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var annotations = desired.Metadata.Annotations;
        string text;
        if (annotations?.ContainsKey(HashAnnotation) == true)
        {
            var copy = new Dictionary<string, string>(annotations);
            copy.Remove(HashAnnotation);
            desired.Metadata.Annotations = copy;
            text = KubernetesJson.Serialize(desired);
            desired.Metadata.Annotations = annotations;
        }
        else
        {
            text = KubernetesJson.Serialize(desired);
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }
}
