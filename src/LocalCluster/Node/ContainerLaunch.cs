using System.Collections;
using System.Text;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;

namespace Flywheel.ApiServer.Node;

/// <summary>
/// How one container runs as a local process. Processes see the real filesystem, so paths are mapped the
/// simplest faithful way: every volumeMount's mountPath (and the terminationMessagePath) that appears as a
/// path inside an env value, an arg, the command or workingDir is replaced by the local folder (file) behind
/// it, and "0.0.0.0" becomes the pod's own loopback IP so that replicas listening on one port never collide.
/// </summary>
internal sealed partial record ContainerLaunch(
    IReadOnlyList<string> CommandLine,
    IReadOnlyDictionary<string, string> Environment,
    string WorkingDirectory,
    string TerminationMessageFile,
    string LogFile)
{
    public const string DefaultTerminationMessagePath = "/dev/termination-log";

    // The project's programs read these (see src/InferenceServer and src/Trainer); a pod that does not set them
    // gets its own IP to listen on and its own termination-log file instead of the machine-wide defaults.
    private const string HostVariable = "FLYWHEEL_HOST";
    private const string TerminationLogVariable = "FLYWHEEL_TERMINATION_LOG";

    public static async Task<ContainerLaunch> BuildAsync(
        IKubernetes client, V1Pod pod, V1Container container, IReadOnlyList<string> entrypoint,
        IReadOnlyDictionary<string, string> volumes, string containerDirectory, string podIp, string nodeName, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(containerDirectory);
        var terminationFile = Path.Combine(containerDirectory, "termination-log");
        var logFile = Path.Combine(containerDirectory, "output.log");
        var mappings = new List<(string From, string To)>();
        foreach (var mount in container.VolumeMounts ?? [])
        {
            if (!volumes.TryGetValue(mount.Name, out var folder))
            {
                throw new ContainerConfigException($"volumeMount \"{mount.Name}\" of container \"{container.Name}\" names no volume of the pod; add it to spec.volumes");
            }

            var local = string.IsNullOrEmpty(mount.SubPath) ? folder : Path.Combine(folder, mount.SubPath);
            Directory.CreateDirectory(local);
            mappings.Add((mount.MountPath.TrimEnd('/'), local));
        }

        mappings.AddRange(ParentMappings(mappings).ToList());
        mappings.Add((container.TerminationMessagePath ?? DefaultTerminationMessagePath, terminationFile));
        var rewrite = Rewriter(mappings, podIp);

        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
        {
            // Toolchains (dotnet, python) need the machine's PATH and friends; the node's own configuration stays out.
            var name = (string)entry.Key;
            if (!name.StartsWith("FLYWHEEL_", StringComparison.Ordinal) && name != "KUBECONFIG")
            {
                env[name] = (string?)entry.Value ?? string.Empty;
            }
        }

        env["HOSTNAME"] = pod.Metadata.Name;
        foreach (var source in container.EnvFrom ?? [])
        {
            foreach (var (key, value) in await EnvSourceAsync(client, pod.Metadata.NamespaceProperty, source, cancellationToken))
            {
                env[(source.Prefix ?? string.Empty) + key] = rewrite(value);
            }
        }

        foreach (var variable in container.Env ?? [])
        {
            var value = variable.ValueFrom is { } from
                ? await ValueFromAsync(client, pod, variable.Name, from, podIp, nodeName, cancellationToken)
                : Expand(variable.Value ?? string.Empty, env);
            if (value is not null)
            {
                env[variable.Name] = rewrite(value);
            }
        }

        env.TryAdd(HostVariable, podIp);
        env.TryAdd(TerminationLogVariable, terminationFile);
        if (volumes.Count > 0 && mappings.FirstOrDefault(m => m.From == "/tmp").To is { } tmp)
        {
            env["TMPDIR"] = tmp;
        }

        // The image map's entrypoint is a path on this machine, not inside the container: only what the
        // pod spec says (command, args) is rewritten, so a checkout under /tmp is not mistaken for the
        // pod's /tmp volume.
        var commandLine = (container.Command is { Count: > 0 } command
                ? command.Select(a => rewrite(Expand(a, env)))
                : entrypoint)
            .Concat((container.Args ?? []).Select(a => rewrite(Expand(a, env))))
            .ToList();
        var workingDirectory = string.IsNullOrEmpty(container.WorkingDir) ? containerDirectory : rewrite(container.WorkingDir);
        Directory.CreateDirectory(workingDirectory);
        return new ContainerLaunch(commandLine, env, workingDirectory, terminationFile, logFile);
    }

    /// <summary>
    /// Folders that hold only mounts whose local folders share one parent under the same names, such as
    /// <c>/data/sales</c> → <c>root/pvc/sales</c>: their parent maps too (<c>/data</c> → <c>root/pvc</c>),
    /// so a program told "claims are under /data" finds them.
    /// </summary>
    internal static IEnumerable<(string From, string To)> ParentMappings(IReadOnlyList<(string From, string To)> mappings)
    {
        var mapped = mappings.Select(m => m.From).ToHashSet(StringComparer.Ordinal);
        foreach (var group in mappings.GroupBy(m => Path.GetDirectoryName(m.From), StringComparer.Ordinal))
        {
            var parent = group.Key;
            if (string.IsNullOrEmpty(parent) || parent == "/" || mapped.Contains(parent))
            {
                continue;
            }

            var localParents = group.Select(m => Path.GetFileName(m.From) == Path.GetFileName(m.To) ? Path.GetDirectoryName(m.To) : null).Distinct().ToList();
            if (localParents is [{ } localParent])
            {
                yield return (parent, localParent);
            }
        }
    }

    /// <summary>Replaces whole path prefixes only: "/data" maps "/data/x" and "--out=/data" but not "/database".</summary>
    internal static Func<string, string> Rewriter(IReadOnlyList<(string From, string To)> mappings, string podIp)
    {
        var byLength = mappings.Where(m => m.From.Length > 1).OrderByDescending(m => m.From.Length).ToList();
        if (byLength.Count == 0)
        {
            return value => value.Replace("0.0.0.0", podIp, StringComparison.Ordinal);
        }

        var pattern = new Regex(
            @"(?<![\w./-])(" + string.Join("|", byLength.Select(m => Regex.Escape(m.From))) + @")(?=/|$|[^\w.-])",
            RegexOptions.CultureInvariant);
        var lookup = byLength.ToDictionary(m => m.From, m => m.To, StringComparer.Ordinal);
        return value => pattern.Replace(value, m => lookup[m.Value]).Replace("0.0.0.0", podIp, StringComparison.Ordinal);
    }

    /// <summary>Kubernetes' $(VAR) expansion: defined variables are substituted, $$ escapes, the rest stays as written.</summary>
    internal static string Expand(string value, IReadOnlyDictionary<string, string> env) =>
        ReferencePattern().Replace(value, m => m.Value == "$$" ? "$" : env.TryGetValue(m.Groups[1].Value, out var v) ? v : m.Value);

    [GeneratedRegex(@"\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)")]
    private static partial Regex ReferencePattern();

    private static async Task<Dictionary<string, string>> EnvSourceAsync(IKubernetes client, string ns, V1EnvFromSource source, CancellationToken cancellationToken)
    {
        if (source.ConfigMapRef is { } cmRef)
        {
            var cm = await PodVolumes.ReadAsync(() => client.CoreV1.ReadNamespacedConfigMapAsync(cmRef.Name, ns, cancellationToken: cancellationToken));
            return cm is null && cmRef.Optional != true
                ? throw new ContainerConfigException($"configmap \"{cmRef.Name}\" not found (envFrom); create it or mark it optional")
                : new Dictionary<string, string>(cm?.Data ?? new Dictionary<string, string>());
        }

        if (source.SecretRef is { } secretRef)
        {
            var secret = await PodVolumes.ReadAsync(() => client.CoreV1.ReadNamespacedSecretAsync(secretRef.Name, ns, cancellationToken: cancellationToken));
            return secret is null && secretRef.Optional != true
                ? throw new ContainerConfigException($"secret \"{secretRef.Name}\" not found (envFrom); create it or mark it optional")
                : (secret?.Data ?? new Dictionary<string, byte[]>()).ToDictionary(kv => kv.Key, kv => Encoding.UTF8.GetString(kv.Value));
        }

        return [];
    }

    /// <summary>The value of an env source; null when an optional key or object is missing, which leaves the variable unset as the kubelet does.</summary>
    private static async Task<string?> ValueFromAsync(IKubernetes client, V1Pod pod, string name, V1EnvVarSource from, string podIp, string nodeName, CancellationToken cancellationToken)
    {
        var ns = pod.Metadata.NamespaceProperty;
        if (from.FieldRef is { } field)
        {
            return field.FieldPath switch
            {
                "metadata.name" => pod.Metadata.Name,
                "metadata.namespace" => ns,
                "metadata.uid" => pod.Metadata.Uid,
                "status.podIP" => podIp,
                "status.hostIP" => "127.0.0.1",
                "spec.nodeName" => nodeName,
                "spec.serviceAccountName" => pod.Spec.ServiceAccountName ?? "default",
                var path when path.StartsWith("metadata.labels['", StringComparison.Ordinal) => Lookup(pod.Metadata.Labels, path),
                var path when path.StartsWith("metadata.annotations['", StringComparison.Ordinal) => Lookup(pod.Metadata.Annotations, path),
                var path => throw new ContainerConfigException($"env \"{name}\": fieldRef \"{path}\" is not supported; use metadata.name, metadata.namespace, metadata.uid, status.podIP, status.hostIP or spec.nodeName"),
            };
        }

        if (from.ConfigMapKeyRef is { } cmKey)
        {
            var cm = await PodVolumes.ReadAsync(() => client.CoreV1.ReadNamespacedConfigMapAsync(cmKey.Name, ns, cancellationToken: cancellationToken));
            if (cm?.Data?.TryGetValue(cmKey.Key, out var value) == true)
            {
                return value;
            }

            return cmKey.Optional == true ? null : throw new ContainerConfigException($"env \"{name}\": key \"{cmKey.Key}\" of configmap \"{cmKey.Name}\" not found");
        }

        if (from.SecretKeyRef is { } secretKey)
        {
            var secret = await PodVolumes.ReadAsync(() => client.CoreV1.ReadNamespacedSecretAsync(secretKey.Name, ns, cancellationToken: cancellationToken));
            if (secret?.Data?.TryGetValue(secretKey.Key, out var bytes) == true)
            {
                return Encoding.UTF8.GetString(bytes);
            }

            return secretKey.Optional == true ? null : throw new ContainerConfigException($"env \"{name}\": key \"{secretKey.Key}\" of secret \"{secretKey.Name}\" not found");
        }

        // resourceFieldRef: the local node sets no limits, so nothing meaningful to report.
        return string.Empty;
    }

    private static string Lookup(IDictionary<string, string>? map, string path)
    {
        var start = path.IndexOf("['", StringComparison.Ordinal) + 2;
        var key = path[start..path.LastIndexOf("']", StringComparison.Ordinal)];
        return map?.TryGetValue(key, out var value) == true ? value : string.Empty;
    }
}
