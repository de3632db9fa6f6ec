using k8s;
using k8s.Models;

namespace Flywheel.ApiServer.Tests.Node;

/// <summary>Jobs: completion with the termination message, backoffLimit, activeDeadlineSeconds.</summary>
public sealed class JobControllerTests : IAsyncLifetime
{
    private NodeHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await NodeHarness.StartAsync();

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private static V1Job Job(string name, string script, int? backoffLimit = null, long? deadline = null, string? policy = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1JobSpec
        {
            BackoffLimit = backoffLimit,
            ActiveDeadlineSeconds = deadline,
            Template = new V1PodTemplateSpec
            {
                Spec = new V1PodSpec
                {
                    RestartPolicy = "Never",
                    TerminationGracePeriodSeconds = 1,
                    Containers = [policy is null ? NodeHarness.Shell("main", script) : WithPolicy(NodeHarness.Shell("main", script), policy)],
                },
            },
        },
    };

    private static V1Container WithPolicy(V1Container container, string policy)
    {
        container.TerminationMessagePolicy = policy;
        return container;
    }

    private Task<V1Job> Finished(string name) => _harness.WaitAsync(
        () => _harness.Client.BatchV1.ReadNamespacedJobAsync(name, "default"),
        j => j.Status?.Conditions?.Any(c => c.Type is "Complete" or "Failed" && c.Status == "True") == true,
        $"job {name} finished");

    [Fact]
    public async Task A_succeeding_job_completes_with_the_termination_message_in_the_pod_status()
    {
        await _harness.Client.BatchV1.CreateNamespacedJobAsync(Job("ok", "echo working; printf '{\"version\":\"1.0\"}' > /dev/termination-log"), "default");

        var job = await Finished("ok");
        var condition = job.Status.Conditions.Single(c => c.Status == "True");
        Assert.Equal("Complete", condition.Type);
        Assert.Equal(1, job.Status.Succeeded);
        Assert.NotNull(job.Status.CompletionTime);
        Assert.NotNull(job.Status.StartTime);

        var pod = (await _harness.PodsAsync("job-name=ok")).Single();
        Assert.Equal("Succeeded", pod.Status.Phase);
        var terminated = pod.Status.ContainerStatuses.Single().State.Terminated;
        Assert.Equal(0, terminated.ExitCode);
        Assert.Equal("Completed", terminated.Reason);
        Assert.Equal("{\"version\":\"1.0\"}", terminated.Message);
    }

    [Fact]
    public async Task A_failing_job_with_backoff_limit_one_fails_after_two_pods_with_the_log_tail_as_message()
    {
        await _harness.Client.BatchV1.CreateNamespacedJobAsync(Job("bad", "echo 'cannot read data: no such file' >&2; exit 3", backoffLimit: 1, policy: "FallbackToLogsOnError"), "default");

        var job = await Finished("bad");
        var condition = job.Status.Conditions.Single(c => c.Status == "True");
        Assert.Equal("Failed", condition.Type);
        Assert.Equal("BackoffLimitExceeded", condition.Reason);
        Assert.Equal(2, job.Status.Failed);

        var pods = await _harness.PodsAsync("job-name=bad");
        Assert.Equal(2, pods.Count);
        Assert.All(pods, p => Assert.Equal("Failed", p.Status.Phase));
        var terminated = pods[0].Status.ContainerStatuses.Single().State.Terminated;
        Assert.Equal(3, terminated.ExitCode);
        Assert.Equal("Error", terminated.Reason);
        Assert.Equal("cannot read data: no such file", terminated.Message);
    }

    [Fact]
    public async Task A_job_past_its_active_deadline_fails_with_deadline_exceeded_and_its_pod_is_stopped()
    {
        await _harness.Client.BatchV1.CreateNamespacedJobAsync(Job("slow", "sleep 60", deadline: 1), "default");

        var job = await Finished("slow");
        var condition = job.Status.Conditions.Single(c => c.Status == "True");
        Assert.Equal("Failed", condition.Type);
        Assert.Equal("DeadlineExceeded", condition.Reason);
        await _harness.WaitAsync(() => _harness.PodsAsync("job-name=slow"), p => p.Count == 0, "the running pod deleted");
        var finished = await _harness.Client.BatchV1.ReadNamespacedJobAsync("slow", "default");
        Assert.Equal(0, finished.Status.Active ?? 0);
    }
}
