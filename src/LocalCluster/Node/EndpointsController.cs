using k8s;
using k8s.Models;

namespace Flywheel.ApiServer.Node;

/// <summary>
/// Endpoints for every Service with a selector: the Ready pods' IPs as addresses, the others that have an IP
/// as notReadyAddresses, with each service port's targetPort resolved against the pod's container ports.
/// Endpoints whose Service is gone are removed when this controller made them.
/// </summary>
internal sealed class EndpointsController(IKubernetes client)
{
    public const string ManagedByLabel = "node.flywheel.dev/managed-by";
    private const string ManagedBy = "local-node";

    public async Task PassAsync(CancellationToken cancellationToken)
    {
        var services = await client.CoreV1.ListServiceForAllNamespacesAsync(cancellationToken: cancellationToken);
        var pods = await client.CoreV1.ListPodForAllNamespacesAsync(cancellationToken: cancellationToken);
        var existing = (await client.CoreV1.ListEndpointsForAllNamespacesAsync(cancellationToken: cancellationToken)).Items
            .ToDictionary(e => (e.Metadata.NamespaceProperty, e.Metadata.Name));
        var wanted = new HashSet<(string, string)>();
        foreach (var service in services.Items.Where(s => s.Spec?.Selector is { Count: > 0 }))
        {
            var key = (service.Metadata.NamespaceProperty, service.Metadata.Name);
            wanted.Add(key);
            var selected = pods.Items
                .Where(p => p.Metadata.NamespaceProperty == service.Metadata.NamespaceProperty && !p.IsDeleting() && !p.IsTerminal())
                .Where(p => !string.IsNullOrEmpty(p.Status?.PodIP) && PodFacts.Matches(service.Spec.Selector, p.Metadata.Labels))
                .OrderBy(p => p.Metadata.Name, StringComparer.Ordinal)
                .ToList();
            var subsets = Subsets(service, selected);
            existing.TryGetValue(key, out var current);
            if (current is null)
            {
                await client.CoreV1.CreateNamespacedEndpointsAsync(Build(service, subsets, null), service.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
            }
            else if (Workloads.Differs(current.Subsets ?? [], subsets))
            {
                await client.CoreV1.ReplaceNamespacedEndpointsAsync(Build(service, subsets, current.Metadata.ResourceVersion), service.Metadata.Name, service.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
            }
        }

        foreach (var (key, endpoints) in existing.Where(e => !wanted.Contains(e.Key)))
        {
            if (endpoints.Metadata.Labels?.TryGetValue(ManagedByLabel, out var by) == true && by == ManagedBy)
            {
                await client.CoreV1.DeleteNamespacedEndpointsAsync(key.Item2, key.Item1, cancellationToken: cancellationToken);
            }
        }
    }

    private static V1Endpoints Build(V1Service service, List<V1EndpointSubset> subsets, string? resourceVersion)
    {
        var labels = new Dictionary<string, string>(service.Metadata.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal) { [ManagedByLabel] = ManagedBy };
        return new V1Endpoints
        {
            ApiVersion = "v1",
            Kind = "Endpoints",
            Metadata = new V1ObjectMeta { Name = service.Metadata.Name, NamespaceProperty = service.Metadata.NamespaceProperty, Labels = labels, ResourceVersion = resourceVersion },
            Subsets = subsets,
        };
    }

    /// <summary>Pods whose resolved ports agree share a subset, as the endpoints controller groups them.</summary>
    private static List<V1EndpointSubset> Subsets(V1Service service, List<V1Pod> pods)
    {
        var groups = new List<(string Key, List<Corev1EndpointPort> Ports, V1EndpointSubset Subset)>();
        foreach (var pod in pods)
        {
            var ports = (service.Spec.Ports ?? []).Select(p => Resolve(p, pod)).OfType<Corev1EndpointPort>().ToList();
            if (ports.Count == 0 && service.Spec.Ports is { Count: > 0 })
            {
                continue;
            }

            var key = string.Join(",", ports.Select(p => $"{p.Name}/{p.Port}/{p.Protocol}"));
            var group = groups.FirstOrDefault(g => g.Key == key);
            if (group.Subset is null)
            {
                group = (key, ports, new V1EndpointSubset { Ports = ports });
                groups.Add(group);
            }

            var address = new V1EndpointAddress
            {
                Ip = pod.Status.PodIP,
                NodeName = pod.Spec.NodeName,
                TargetRef = new V1ObjectReference { Kind = "Pod", Name = pod.Metadata.Name, NamespaceProperty = pod.Metadata.NamespaceProperty, Uid = pod.Metadata.Uid },
            };
            if (pod.IsReady())
            {
                (group.Subset.Addresses ??= []).Add(address);
            }
            else
            {
                (group.Subset.NotReadyAddresses ??= []).Add(address);
            }
        }

        return groups.Select(g => g.Subset).ToList();
    }

    private static Corev1EndpointPort? Resolve(V1ServicePort port, V1Pod pod)
    {
        var target = port.TargetPort?.Value;
        int number;
        if (string.IsNullOrEmpty(target))
        {
            number = port.Port;
        }
        else if (!int.TryParse(target, System.Globalization.CultureInfo.InvariantCulture, out number))
        {
            var named = pod.Spec.Containers.SelectMany(c => c.Ports ?? []).FirstOrDefault(p => p.Name == target);
            if (named is null)
            {
                return null;
            }

            number = named.ContainerPort;
        }

        return new Corev1EndpointPort { Name = port.Name, Port = number, Protocol = port.Protocol ?? "TCP" };
    }
}
