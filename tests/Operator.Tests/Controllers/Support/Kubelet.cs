using System.Text.Json;
using Flywheel.Contracts.Artifacts;
using Flywheel.Operator.Builders;
using k8s;
using k8s.Models;

namespace Flywheel.Operator.Tests.Controllers.Support;

/// <summary>Plays the job controller, the deployment controller and the kubelet by writing the status they would.</summary>
internal static class Kubelet
{
    /// <summary>Marks a trainer Job finished and gives it a pod whose trainer container terminated with <paramref name="summary"/>.</summary>
    public static async Task FinishJobAsync(IKubernetes client, string jobName, TrainingSummary summary, string ns = OperatorCluster.Ns)
    {
        var message = JsonSerializer.Serialize(summary, ManifestJson.Options);
        await FinishJobAsync(client, jobName, summary.Succeeded, message, ns);
    }

    public static async Task FinishJobAsync(IKubernetes client, string jobName, bool succeeded, string terminationMessage, string ns = OperatorCluster.Ns)
    {
        var job = await client.BatchV1.ReadNamespacedJobAsync(jobName, ns);
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta
            {
                Name = jobName + "-abcde",
                NamespaceProperty = ns,
                Labels = new Dictionary<string, string> { ["job-name"] = jobName },
                OwnerReferences = [new V1OwnerReference { ApiVersion = "batch/v1", Kind = "Job", Name = jobName, Uid = job.Metadata.Uid, Controller = true }],
            },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = TrainingJobBuilder.ContainerName, Image = "trainer:test" }], RestartPolicy = "Never" },
        };
        await client.CoreV1.CreateNamespacedPodAsync(pod, ns);
        var podStatus = new
        {
            status = new
            {
                phase = succeeded ? "Succeeded" : "Failed",
                containerStatuses = new[]
                {
                    new { name = TrainingJobBuilder.ContainerName, image = "trainer:test", imageID = "", ready = false, restartCount = 0, state = new { terminated = new { exitCode = succeeded ? 0 : 2, reason = succeeded ? "Completed" : "Error", message = terminationMessage } } },
                },
            },
        };
        await client.CoreV1.PatchNamespacedPodStatusAsync(new V1Patch(podStatus, V1Patch.PatchType.MergePatch), pod.Metadata.Name, ns);
        var now = DateTime.UtcNow;
        var jobStatus = succeeded
            ? new { status = new { succeeded = 1, failed = 0, conditions = new[] { new { type = "Complete", status = "True", lastTransitionTime = now, reason = (string?)null, message = (string?)null } } } }
            : new { status = new { succeeded = 0, failed = 1, conditions = new[] { new { type = "Failed", status = "True", lastTransitionTime = now, reason = (string?)"BackoffLimitExceeded", message = (string?)"Job has reached the specified backoff limit" } } } };
        await client.BatchV1.PatchNamespacedJobStatusAsync(new V1Patch(jobStatus, V1Patch.PatchType.MergePatch), jobName, ns);
    }

    /// <summary>Reports the Deployment's current template as fully rolled out with every pod ready.</summary>
    public static async Task RollOutAsync(IKubernetes client, string name, int replicas = 1, string ns = OperatorCluster.Ns)
    {
        var deployment = await client.AppsV1.ReadNamespacedDeploymentAsync(name, ns);
        var patch = new { status = new { observedGeneration = deployment.Metadata.Generation, replicas, updatedReplicas = replicas, readyReplicas = replicas, availableReplicas = replicas } };
        await client.AppsV1.PatchNamespacedDeploymentStatusAsync(new V1Patch(patch, V1Patch.PatchType.MergePatch), name, ns);
    }

    /// <summary>A ready inference pod of a ModelDeployment whose monitoring endpoint is served on the loopback at <paramref name="port"/>.</summary>
    public static async Task ReadyInferencePodAsync(IKubernetes client, string modelDeployment, string version, int port, string podName, string ns = OperatorCluster.Ns)
    {
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta
            {
                Name = podName,
                NamespaceProperty = ns,
                Labels = new Dictionary<string, string> { [ChildMetadata.DeploymentLabel] = modelDeployment, [ChildMetadata.VersionLabel] = version },
            },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "inference", Image = "inference:test", Ports = [new V1ContainerPort { Name = "http", ContainerPort = port }] }] },
        };
        await client.CoreV1.CreateNamespacedPodAsync(pod, ns);
        var status = new { status = new { phase = "Running", podIP = "127.0.0.1", conditions = new[] { new { type = "Ready", status = "True" } } } };
        await client.CoreV1.PatchNamespacedPodStatusAsync(new V1Patch(status, V1Patch.PatchType.MergePatch), podName, ns);
    }
}
