using k8s;
using k8s.Models;

namespace Flywheel.ApiServer.Node;

/// <summary>
/// Job → Pods, as kube-controller-manager does it: up to parallelism pods at a time until completions pods
/// succeed (Complete), more than backoffLimit pods fail (Failed, BackoffLimitExceeded) or the Job has been
/// active for activeDeadlineSeconds (Failed, DeadlineExceeded); a finished Job's running pods are deleted and,
/// with ttlSecondsAfterFinished, the Job itself later.
/// </summary>
internal sealed class JobController(IKubernetes client, TimeProvider time)
{
    public async Task PassAsync(CancellationToken cancellationToken)
    {
        var jobs = await client.BatchV1.ListJobForAllNamespacesAsync(cancellationToken: cancellationToken);
        var pods = await client.CoreV1.ListPodForAllNamespacesAsync(cancellationToken: cancellationToken);
        foreach (var job in jobs.Items.Where(j => j.Metadata.DeletionTimestamp is null))
        {
            await SyncAsync(job, pods.Items.Where(p => p.IsOwnedBy(job.Metadata.Uid)).ToList(), cancellationToken);
        }
    }

    private async Task SyncAsync(V1Job job, List<V1Pod> owned, CancellationToken cancellationToken)
    {
        var ns = job.Metadata.NamespaceProperty;
        var now = time.GetUtcNow().UtcDateTime;
        var status = Workloads.Clone(job.Status ?? new V1JobStatus());
        var finished = Finished(job.Status);
        if (finished is not null)
        {
            foreach (var pod in owned.Where(p => p.IsActive()))
            {
                await ReplicaSetController.DeletePodAsync(client, pod, cancellationToken);
            }

            await ExpireAsync(job, now, cancellationToken);
            return;
        }

        if (job.Spec.Suspend == true)
        {
            return;
        }

        status.StartTime ??= now;
        var active = owned.Where(p => p.IsActive()).ToList();
        var succeeded = owned.Count(p => p.Status?.Phase == "Succeeded");
        var failed = owned.Count(p => p.Status?.Phase == "Failed");
        var completions = job.Spec.Completions ?? 1;
        var parallelism = job.Spec.Parallelism ?? 1;
        var backoffLimit = job.Spec.BackoffLimit ?? 6;

        V1JobCondition? outcome = null;
        if (succeeded >= completions || (job.Spec.Completions is null && succeeded > 0 && active.Count == 0))
        {
            outcome = Condition("Complete", null, null, now);
            status.CompletionTime = now;
        }
        else if (failed > backoffLimit)
        {
            outcome = Condition("Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit", now);
        }
        else if (job.Spec.ActiveDeadlineSeconds is { } deadline && now - status.StartTime.Value >= TimeSpan.FromSeconds(deadline))
        {
            outcome = Condition("Failed", "DeadlineExceeded", "Job was active longer than specified deadline", now);
        }

        if (outcome is not null)
        {
            foreach (var pod in active)
            {
                await ReplicaSetController.DeletePodAsync(client, pod, cancellationToken);
            }

            active.Clear();
            status.Conditions = [.. status.Conditions ?? [], outcome];
        }
        else
        {
            var want = Math.Min(parallelism, completions - succeeded) - active.Count;
            var owner = PodFacts.ControllerReference("batch/v1", "Job", job.Metadata);
            var labels = new Dictionary<string, string>
            {
                ["batch.kubernetes.io/controller-uid"] = job.Metadata.Uid,
                ["batch.kubernetes.io/job-name"] = job.Metadata.Name,
                ["controller-uid"] = job.Metadata.Uid,
                ["job-name"] = job.Metadata.Name,
            };
            for (var i = 0; i < want; i++)
            {
                var pod = Workloads.PodFromTemplate(job.Spec.Template, ns, job.Metadata.Name + "-", owner, labels);
                active.Add(await client.CoreV1.CreateNamespacedPodAsync(pod, ns, cancellationToken: cancellationToken));
            }
        }

        status.Active = active.Count;
        status.Ready = active.Count(p => p.IsReady());
        status.Succeeded = succeeded;
        status.Failed = failed;
        status.Terminating = owned.Count(p => p.IsDeleting() && !p.IsTerminal());
        if (Workloads.Differs(job.Status, status))
        {
            await client.BatchV1.PatchNamespacedJobStatusAsync(Workloads.StatusPatch(status), job.Metadata.Name, ns, cancellationToken: cancellationToken);
        }
    }

    private static V1JobCondition Condition(string type, string? reason, string? message, DateTime now) => new()
    {
        Type = type,
        Status = "True",
        Reason = reason,
        Message = message,
        LastProbeTime = now,
        LastTransitionTime = now,
    };

    private static V1JobCondition? Finished(V1JobStatus? status) =>
        status?.Conditions?.FirstOrDefault(c => c.Type is "Complete" or "Failed" && c.Status == "True");

    private async Task ExpireAsync(V1Job job, DateTime now, CancellationToken cancellationToken)
    {
        if (job.Spec.TtlSecondsAfterFinished is not { } ttl)
        {
            return;
        }

        var finishedAt = Finished(job.Status)!.LastTransitionTime ?? now;
        if (now - finishedAt >= TimeSpan.FromSeconds(ttl))
        {
            await client.BatchV1.DeleteNamespacedJobAsync(job.Metadata.Name, job.Metadata.NamespaceProperty, propagationPolicy: "Background", cancellationToken: cancellationToken);
        }
    }
}
