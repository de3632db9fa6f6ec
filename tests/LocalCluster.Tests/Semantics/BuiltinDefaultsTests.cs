using k8s;
using k8s.Models;

namespace Flywheel.ApiServer.Tests.Semantics;

/// <summary>Built-in workloads come back with the defaults a cluster fills in.</summary>
public sealed class BuiltinDefaultsTests : IAsyncLifetime
{
    private LocalCluster _cluster = null!;
    private Kubernetes _client = null!;

    public async Task InitializeAsync()
    {
        _cluster = await LocalCluster.StartAsync();
        _client = new Kubernetes(_cluster.ClientConfiguration);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _cluster.DisposeAsync();
    }

    private static V1PodTemplateSpec Template(string image) => new()
    {
        Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "x" } },
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "main", Image = image, Ports = [new V1ContainerPort { ContainerPort = 8080 }] }], RestartPolicy = null },
    };

    [Fact]
    public async Task A_deployment_gets_strategy_history_and_pod_template_defaults()
    {
        var created = await _client.AppsV1.CreateNamespacedDeploymentAsync(new V1Deployment
        {
            Metadata = new V1ObjectMeta { Name = "d" },
            Spec = new V1DeploymentSpec { Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "x" } }, Template = Template("nginx:1.27") },
        }, "default");

        Assert.Equal(1, created.Spec.Replicas);
        Assert.Equal(10, created.Spec.RevisionHistoryLimit);
        Assert.Equal("RollingUpdate", created.Spec.Strategy.Type);
        Assert.Equal("25%", created.Spec.Strategy.RollingUpdate.MaxSurge.Value);
        var pod = created.Spec.Template.Spec;
        Assert.Equal("Always", pod.RestartPolicy);
        Assert.Equal(30, pod.TerminationGracePeriodSeconds);
        Assert.Equal("IfNotPresent", pod.Containers[0].ImagePullPolicy);
        Assert.Equal("TCP", pod.Containers[0].Ports[0].Protocol);

        created.Spec.Template.Spec.Containers[0].ImagePullPolicy = null;
        var replaced = await _client.AppsV1.ReplaceNamespacedDeploymentAsync(created, "d", "default");
        Assert.Equal(1, replaced.Metadata.Generation);
    }

    [Fact]
    public async Task A_service_gets_a_cluster_ip_that_survives_updates()
    {
        var service = new V1Service { Metadata = new V1ObjectMeta { Name = "s" }, Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Port = 80 }] } };
        var first = await _client.CoreV1.CreateNamespacedServiceAsync(service, "default");
        var second = await _client.CoreV1.CreateNamespacedServiceAsync(new V1Service { Metadata = new V1ObjectMeta { Name = "t" }, Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Port = 81 }] } }, "default");

        Assert.Equal("ClusterIP", first.Spec.Type);
        Assert.StartsWith("10.96.", first.Spec.ClusterIP);
        Assert.NotEqual(first.Spec.ClusterIP, second.Spec.ClusterIP);
        Assert.Equal("80", first.Spec.Ports[0].TargetPort.Value);

        service.Metadata.ResourceVersion = first.Metadata.ResourceVersion;
        var updated = await _client.CoreV1.ReplaceNamespacedServiceAsync(service, "s", "default");
        Assert.Equal(first.Spec.ClusterIP, updated.Spec.ClusterIP);
    }

    [Fact]
    public async Task A_job_selects_its_pods_by_its_uid()
    {
        var template = Template("busybox");
        template.Spec.RestartPolicy = "Never";
        var job = await _client.BatchV1.CreateNamespacedJobAsync(new V1Job { Metadata = new V1ObjectMeta { Name = "train" }, Spec = new V1JobSpec { Template = template } }, "default");

        Assert.Equal(6, job.Spec.BackoffLimit);
        Assert.Equal(job.Metadata.Uid, job.Spec.Selector.MatchLabels["batch.kubernetes.io/controller-uid"]);
        Assert.Equal("train", job.Spec.Template.Metadata.Labels["batch.kubernetes.io/job-name"]);
        Assert.Equal("Always", job.Spec.Template.Spec.Containers[0].ImagePullPolicy);
        Assert.Equal("Never", job.Spec.Template.Spec.RestartPolicy);
    }
}
