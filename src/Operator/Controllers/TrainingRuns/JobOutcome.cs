using System.Text.Json;
using Flywheel.Contracts.Artifacts;
using Flywheel.Operator.Builders;
using k8s.Models;

namespace Flywheel.Operator.Controllers.TrainingRuns;

/// <summary>Where a trainer Job stands, and what its pod reported.</summary>
public sealed record JobOutcome(JobState State, TrainingSummary? Summary, string? Message)
{
    /// <summary>Reads the Job's status and its trainer container's termination message.</summary>
    public static JobOutcome Of(V1Job job, IReadOnlyList<V1Pod> pods)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(pods);
        var conditions = job.Status?.Conditions ?? [];
        var failedCondition = conditions.FirstOrDefault(c => c.Type == "Failed" && c.Status == "True");
        var complete = conditions.Any(c => c.Type == "Complete" && c.Status == "True") || (job.Status?.Succeeded ?? 0) > 0;
        var failed = failedCondition is not null || (job.Status?.Failed ?? 0) > 0;
        var terminated = pods
            .OrderByDescending(p => p.Metadata.CreationTimestamp ?? DateTime.MinValue)
            .Select(p => p.Status?.ContainerStatuses?.FirstOrDefault(c => c.Name == TrainingJobBuilder.ContainerName)?.State?.Terminated)
            .FirstOrDefault(t => t is not null);
        var summary = Parse(terminated?.Message);
        if (complete)
        {
            return summary is { Succeeded: true }
                ? new(JobState.Succeeded, summary, null)
                : new(JobState.Failed, summary, summary?.Message ?? "the trainer exited 0 but wrote no summary to its termination message; check the trainer image");
        }

        if (failed)
        {
            var message = summary?.Message
                ?? (terminated?.Message is { Length: > 0 } raw && summary is null ? raw.Trim() : null)
                ?? failedCondition?.Message
                ?? "the training Job failed without a message; see kubectl logs job/" + job.Metadata.Name;
            if (failedCondition?.Reason == "DeadlineExceeded")
            {
                message = $"training ran past spec.training.timeout and was stopped; raise the timeout or lower maxTrials ({message})";
            }

            return new(JobState.Failed, summary, message);
        }

        return new((job.Status?.Active ?? 0) > 0 ? JobState.Running : JobState.Pending, null, null);
    }

    private static TrainingSummary? Parse(string? message)
    {
        if (string.IsNullOrWhiteSpace(message) || !message.TrimStart().StartsWith('{'))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<TrainingSummary>(message, ManifestJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

public enum JobState
{
    Pending,
    Running,
    Succeeded,
    Failed,
}
