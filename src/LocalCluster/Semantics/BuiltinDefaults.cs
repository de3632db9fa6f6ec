using System.Text.Json.Nodes;

namespace Flywheel.ApiServer.Semantics;

/// <summary>
/// The defaults the API server fills into the built-in workload kinds on every write, so that a controller
/// comparing what it wrote with what it reads back meets the same extra fields it would in a cluster:
/// pod templates, Deployment, Job and Service (which also gets a cluster IP).
/// </summary>
internal static class BuiltinDefaults
{
    public static void Apply(string storageKey, JsonObject? before, JsonObject obj, Func<string> allocateClusterIp)
    {
        if (storageKey == "/services" && before?["spec"]?["clusterIP"] is { } kept && obj["spec"] is JsonObject serviceSpec && serviceSpec["clusterIP"] is null)
        {
            // A service keeps its address across updates that leave it out.
            serviceSpec["clusterIP"] = kept.DeepClone();
            serviceSpec["clusterIPs"] = before["spec"]?["clusterIPs"]?.DeepClone();
        }

        switch (storageKey)
        {
            case "/pods":
                PodSpec(Map(obj, "spec"), restartPolicy: "Always");
                break;
            case "apps/deployments":
                Deployment(Map(obj, "spec"));
                break;
            case "apps/replicasets":
            case "apps/statefulsets":
            case "apps/daemonsets":
                PodTemplate(Map(obj, "spec"), "Always");
                break;
            case "batch/jobs":
                Job(obj);
                break;
            case "/services":
                Service(Map(obj, "spec"), allocateClusterIp);
                break;
        }
    }

    private static void Deployment(JsonObject spec)
    {
        Default(spec, "replicas", 1);
        Default(spec, "revisionHistoryLimit", 10);
        Default(spec, "progressDeadlineSeconds", 600);
        var strategy = Map(spec, "strategy");
        Default(strategy, "type", "RollingUpdate");
        if ((string?)strategy["type"] == "RollingUpdate")
        {
            var rolling = Map(strategy, "rollingUpdate");
            Default(rolling, "maxUnavailable", "25%");
            Default(rolling, "maxSurge", "25%");
        }

        PodTemplate(spec, "Always");
    }

    private static void Job(JsonObject job)
    {
        var spec = Map(job, "spec");
        Default(spec, "parallelism", 1);
        if (spec["completionMode"] is null && spec["completions"] is null)
        {
            spec["completions"] = 1;
        }

        Default(spec, "backoffLimit", 6);
        Default(spec, "completionMode", "NonIndexed");
        Default(spec, "suspend", false);
        Default(spec, "manualSelector", false);
        if ((bool?)spec["manualSelector"] != true && (string?)job["metadata"]?["uid"] is { } uid)
        {
            // The server labels a Job's pods with the Job's uid and name and selects on the uid.
            var name = (string?)job["metadata"]?["name"] ?? string.Empty;
            var selector = Map(spec, "selector");
            var matchLabels = Map(selector, "matchLabels");
            Default(matchLabels, "batch.kubernetes.io/controller-uid", uid);
            var labels = Map(Map(Map(spec, "template"), "metadata"), "labels");
            Default(labels, "batch.kubernetes.io/controller-uid", uid);
            Default(labels, "batch.kubernetes.io/job-name", name);
            Default(labels, "controller-uid", uid);
            Default(labels, "job-name", name);
        }

        PodTemplate(spec, restartPolicy: null);
    }

    private static void PodTemplate(JsonObject spec, string? restartPolicy)
    {
        if (spec["template"] is JsonObject template)
        {
            PodSpec(Map(template, "spec"), restartPolicy);
        }
    }

    private static void PodSpec(JsonObject spec, string? restartPolicy)
    {
        if (restartPolicy is not null)
        {
            Default(spec, "restartPolicy", restartPolicy);
        }

        Default(spec, "dnsPolicy", "ClusterFirst");
        Default(spec, "schedulerName", "default-scheduler");
        Default(spec, "terminationGracePeriodSeconds", 30);
        if (spec["securityContext"] is null)
        {
            spec["securityContext"] = new JsonObject();
        }

        foreach (var list in new[] { "containers", "initContainers" })
        {
            if (spec[list] is not JsonArray containers)
            {
                continue;
            }

            foreach (var container in containers.OfType<JsonObject>())
            {
                Default(container, "terminationMessagePath", "/dev/termination-log");
                Default(container, "terminationMessagePolicy", "File");
                Default(container, "imagePullPolicy", PullPolicy((string?)container["image"]));
                if (container["resources"] is null)
                {
                    container["resources"] = new JsonObject();
                }

                if (container["ports"] is JsonArray ports)
                {
                    foreach (var port in ports.OfType<JsonObject>())
                    {
                        Default(port, "protocol", "TCP");
                    }
                }
            }
        }
    }

    private static void Service(JsonObject spec, Func<string> allocateClusterIp)
    {
        Default(spec, "type", "ClusterIP");
        Default(spec, "sessionAffinity", "None");
        if ((string?)spec["type"] != "ExternalName")
        {
            if (spec["clusterIP"] is null)
            {
                spec["clusterIP"] = allocateClusterIp();
            }

            if (spec["clusterIPs"] is null && (string?)spec["clusterIP"] is { } ip && ip != "None")
            {
                spec["clusterIPs"] = new JsonArray(ip);
            }

            Default(spec, "ipFamilyPolicy", "SingleStack");
            if (spec["ipFamilies"] is null)
            {
                spec["ipFamilies"] = new JsonArray("IPv4");
            }

            Default(spec, "internalTrafficPolicy", "Cluster");
        }

        if (spec["ports"] is JsonArray ports)
        {
            foreach (var port in ports.OfType<JsonObject>())
            {
                Default(port, "protocol", "TCP");
                if (port["targetPort"] is null && port["port"] is { } number)
                {
                    port["targetPort"] = number.DeepClone();
                }
            }
        }
    }

    private static string PullPolicy(string? image)
    {
        if (image is null || image.Contains('@', StringComparison.Ordinal))
        {
            return "IfNotPresent";
        }

        var lastSegment = image[(image.LastIndexOf('/') + 1)..];
        var colon = lastSegment.LastIndexOf(':');
        return colon < 0 || lastSegment[(colon + 1)..] == "latest" ? "Always" : "IfNotPresent";
    }

    private static JsonObject Map(JsonObject parent, string name)
    {
        if (parent[name] is not JsonObject child)
        {
            child = [];
            parent[name] = child;
        }

        return child;
    }

    private static void Default(JsonObject obj, string name, JsonNode? value)
    {
        if (obj[name] is null)
        {
            obj[name] = value;
        }
    }
}
