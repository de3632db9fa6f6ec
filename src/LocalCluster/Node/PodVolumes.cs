using System.Text;
using k8s;
using k8s.Models;

namespace Flywheel.ApiServer.Node;

/// <summary>
/// Volumes as local folders: a PersistentVolumeClaim is <c>&lt;root&gt;/pvc/&lt;claim&gt;</c> (shared by every pod
/// that mounts it, like a ReadWriteMany volume), emptyDir a fresh folder of the pod, ConfigMaps and Secrets
/// their keys written as files into a folder of the pod, hostPath the path itself.
/// </summary>
internal static class PodVolumes
{
    /// <summary>Volume name → local folder; throws <see cref="ContainerConfigException"/> when a source is missing.</summary>
    public static async Task<Dictionary<string, string>> PrepareAsync(IKubernetes client, V1Pod pod, string root, string podDirectory, CancellationToken cancellationToken)
    {
        var ns = pod.Metadata.NamespaceProperty;
        var folders = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var volume in pod.Spec.Volumes ?? [])
        {
            var local = Path.Combine(podDirectory, "volumes", volume.Name);
            if (volume.PersistentVolumeClaim is { } claim)
            {
                local = Path.Combine(root, "pvc", claim.ClaimName);
                Directory.CreateDirectory(local);
            }
            else if (volume.HostPath is { } host)
            {
                local = host.Path;
                if (host.Type is "DirectoryOrCreate")
                {
                    Directory.CreateDirectory(local);
                }
            }
            else if (volume.ConfigMap is { } configMapSource)
            {
                var configMap = await ReadAsync(() => client.CoreV1.ReadNamespacedConfigMapAsync(configMapSource.Name, ns, cancellationToken: cancellationToken));
                if (configMap is null && configMapSource.Optional != true)
                {
                    throw new ContainerConfigException($"configmap \"{configMapSource.Name}\" not found (volume \"{volume.Name}\"); create it or mark the volume optional");
                }

                var files = (configMap?.Data ?? new Dictionary<string, string>()).ToDictionary(kv => kv.Key, kv => Encoding.UTF8.GetBytes(kv.Value));
                foreach (var (key, value) in configMap?.BinaryData ?? new Dictionary<string, byte[]>())
                {
                    files[key] = value;
                }

                WriteFiles(local, files, configMapSource.Items);
            }
            else if (volume.Secret is { } secretSource)
            {
                var secret = await ReadAsync(() => client.CoreV1.ReadNamespacedSecretAsync(secretSource.SecretName, ns, cancellationToken: cancellationToken));
                if (secret is null && secretSource.Optional != true)
                {
                    throw new ContainerConfigException($"secret \"{secretSource.SecretName}\" not found (volume \"{volume.Name}\"); create it or mark the volume optional");
                }

                WriteFiles(local, new Dictionary<string, byte[]>(secret?.Data ?? new Dictionary<string, byte[]>()), secretSource.Items);
            }
            else
            {
                // emptyDir, and any other source the local node does not model, is an empty folder of the pod.
                Directory.CreateDirectory(local);
            }

            folders[volume.Name] = local;
        }

        return folders;
    }

    private static void WriteFiles(string folder, Dictionary<string, byte[]> files, IList<V1KeyToPath>? items)
    {
        Directory.CreateDirectory(folder);
        var chosen = items is { Count: > 0 }
            ? items.Where(i => files.ContainsKey(i.Key)).Select(i => (Path: i.Path, Bytes: files[i.Key]))
            : files.Select(kv => (Path: kv.Key, Bytes: kv.Value));
        foreach (var (path, bytes) in chosen)
        {
            var target = Path.GetFullPath(Path.Combine(folder, path));
            if (!target.StartsWith(Path.GetFullPath(folder) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                throw new ContainerConfigException($"volume item path \"{path}\" leaves its volume; use a relative path without '..'");
            }

            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllBytes(target, bytes);
        }
    }

    internal static async Task<T?> ReadAsync<T>(Func<Task<T>> read)
        where T : class
    {
        try
        {
            return await read();
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}

/// <summary>A container cannot be configured yet (a missing ConfigMap, Secret or key): the CreateContainerConfigError reason.</summary>
internal sealed class ContainerConfigException(string message) : Exception(message);
