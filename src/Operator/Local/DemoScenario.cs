using System.Globalization;
using System.Text.RegularExpressions;
using Flywheel.Operator.Api.V1Alpha1;

namespace Flywheel.Operator.Local;

/// <summary>
/// The churn demo: the sample model is trained and served (1.0), callers send traffic, the population
/// shifts (tenure moves, a new contract type appears, feedback turns negative), the RetrainPolicy fires
/// on input drift, 1.1 is trained on data that includes the logged feedback and rolled out while the
/// callers keep going, and pinning 1.0 rolls back. Each step is narrated and timed.
/// </summary>
internal sealed class DemoScenario(LocalStack stack, Narrator narrator, string samplesDirectory)
{
    private const string Namespace = "default";
    private const string ModelName = "churn";
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);

    private readonly FlywheelObjects _objects = new(stack.Client, Namespace);
    private readonly ChurnDataset _data = new(seed: 2026);
    private readonly HashSet<string> _narrated = new(StringComparer.Ordinal);

    /// <summary>The population after the shift: tenure 36 months longer, 30 % on a contract type unseen in training.</summary>
    public static ChurnDataset.Shift Shifted { get; } = new(TenureMonths: 36, NewContractRate: 0.3);

    /// <summary>What the demo observed, for the end-to-end test's assertions.</summary>
    public DemoResult Result { get; } = new();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await PrepareAsync(cancellationToken);
        var first = await TrainAsync("1.0", RunReason.Initial, cancellationToken);
        Result.FirstRun = first.Metadata.Name;
        await ServeAsync("1.0", cancellationToken);

        using var traffic = new TrafficClient(stack.Client, Namespace, ModelName + "-inference", ModelName);
        narrator.Begin("Steady traffic");
        await SendAsync(traffic, batches: 30, ChurnDataset.Shift.None, cancellationToken);
        narrator.End($"{traffic.Succeeded} requests answered, {traffic.FeedbackSent} feedback records, {traffic.Failed} failed");
        Result.StationaryTriggers = await TriggerValuesAsync(cancellationToken);

        narrator.Begin("Shifted traffic until the RetrainPolicy fires");
        var shift = Shifted;
        var retrain = await SendUntilAsync(traffic, shift, async ct =>
        {
            await NarrateTriggersAsync(ct);
            var runs = await _objects.TrainingRunsAsync(ModelName, ct);
            return runs.FirstOrDefault(r => r.Spec.Reason is not RunReason.Initial);
        }, TimeSpan.FromMinutes(2), cancellationToken);
        Result.RetrainReason = retrain.Spec.Reason;
        Result.RetrainTrigger = retrain.Spec.Trigger?.Name;
        narrator.End($"TrainingRun {retrain.Metadata.Name} started, reason {ApiText(retrain.Spec.Reason)}, value {Format(retrain.Spec.Trigger?.Value)} over threshold {Format(retrain.Spec.Trigger?.Threshold)}");

        // Callers keep going through the retraining and the rollout; nothing they send may fail.
        var failedBefore = traffic.Failed;
        using var rolling = new CancellationTokenSource();
        var background = Task.Run(() => SendUntilCancelledAsync(traffic, shift, rolling.Token), CancellationToken.None);
        try
        {
            var second = await TrainAsync("1.1", retrain.Spec.Reason, cancellationToken, retrain.Metadata.Name);
            Result.SecondRun = second.Metadata.Name;
            await ServeAsync("1.1", cancellationToken);
        }
        finally
        {
            await rolling.CancelAsync();
            await background;
        }

        Result.FailedDuringRollout = traffic.Failed - failedBefore;
        narrator.Say($"   callers during retraining and rollout: {traffic.Succeeded} answered in all, {Result.FailedDuringRollout} failed, {traffic.Retried} retried on another pod{(traffic.LastError is null ? "" : $" (last retry: {traffic.LastError})")}");

        narrator.Begin("Roll back by pinning 1.0");
        var servedBefore = traffic.ServedBy.GetValueOrDefault("1.0");
        await _objects.MergePatchAsync(ModelDeployment.KubeKind, ModelName, """{"spec":{"version":"1.0"}}""", cancellationToken);
        await WaitAsync(async ct => (await _objects.GetAsync<ModelDeployment>(ModelDeployment.KubeKind, ModelName, ct))?.Status.ServingVersion == "1.0", TimeSpan.FromMinutes(2), "version 1.0 serving again", cancellationToken);
        await SendAsync(traffic, batches: 5, shift, cancellationToken);
        Result.ServedAfterRollback = traffic.ServedBy.GetValueOrDefault("1.0") - servedBefore;
        narrator.End("ModelDeployment churn pinned to 1.0 and serving it");
        Result.Traffic = traffic;
    }

    /// <summary>
    /// The control run: the same start, then only traffic like the training data for <paramref name="duration"/>.
    /// Returns the training runs that exist at the end (the initial one alone, when nothing fired).
    /// </summary>
    public async Task<IReadOnlyList<TrainingRun>> RunStationaryAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        await PrepareAsync(cancellationToken);
        Result.FirstRun = (await TrainAsync("1.0", RunReason.Initial, cancellationToken)).Metadata.Name;
        await ServeAsync("1.0", cancellationToken);
        using var traffic = new TrafficClient(stack.Client, Namespace, ModelName + "-inference", ModelName);
        narrator.Begin("Stationary traffic");
        // At least the given time, and until the drift trigger has seen enough rows to give a value.
        var start = DateTimeOffset.UtcNow;
        while (DateTimeOffset.UtcNow - start < duration
            || ((await TriggerValuesAsync(cancellationToken)).Any(t => t.Contains("=-/", StringComparison.Ordinal)) && DateTimeOffset.UtcNow - start < duration * 6))
        {
            await SendAsync(traffic, batches: 10, ChurnDataset.Shift.None, cancellationToken);
            await NarrateTriggersAsync(cancellationToken);
        }

        Result.StationaryTriggers = await TriggerValuesAsync(cancellationToken);
        Result.Traffic = traffic;
        narrator.End($"{traffic.Succeeded} requests answered; triggers: {string.Join(", ", Result.StationaryTriggers)}");
        return await _objects.TrainingRunsAsync(ModelName, cancellationToken);
    }

    internal async Task PrepareAsync(CancellationToken cancellationToken)
    {
        narrator.Begin("Apply the churn sample");
        var data = stack.ClaimDirectory(LocalStack.DataClaim);
        Directory.CreateDirectory(Path.Combine(data, "churn"));
        await File.WriteAllTextAsync(Path.Combine(data, "churn", "customers.csv"), ChurnDataset.ToCsv(_data.Take(3000, ChurnDataset.Shift.None)), cancellationToken);
        foreach (var file in new[] { "model.yaml", "deployment.yaml", "retrain-policy.yaml" })
        {
            var yaml = await File.ReadAllTextAsync(Path.Combine(samplesDirectory, file), cancellationToken);
            // The sample names a cluster's Prometheus; here the pods' own summaries are the source from the start.
            yaml = Regex.Replace(yaml, @"(?m)^  prometheus:\r?\n(    .*\r?\n)+", string.Empty);
            foreach (var created in await _objects.ApplyAsync(yaml, cancellationToken))
            {
                narrator.Say($"   created {created}");
            }
        }

        // Local-mode pace: fewer trials, a short cooldown, sample sizes a demo reaches in seconds,
        // and the pods' own summaries instead of a cluster Prometheus the sample names. Input drift
        // alone decides here, so that the run's reason is the one the demo tells.
        await _objects.MergePatchAsync(Model.KubeKind, ModelName, """{"spec":{"training":{"maxTrials":3,"parallelism":1},"promotion":{"mustBeatCurrentBy":-0.05,"minimum":0.6}}}""", cancellationToken);
        await _objects.MergePatchAsync(RetrainPolicy.KubeKind, ModelName, """{"spec":{"prometheus":null,"cooldown":"1m","triggers":{"inputDrift":{"minSamples":200},"unknownCategories":null,"accuracy":null}}}""", cancellationToken);
        await _objects.MergePatchAsync(ModelDeployment.KubeKind, ModelName, """{"spec":{"rollout":{"analysis":{"window":"30s","maxErrorRate":0.05,"maxP99LatencyMilliseconds":5000,"minAccuracy":0.5}}}}""", cancellationToken);
        narrator.End($"3,000 customers in pvc://{LocalStack.DataClaim}/churn/customers.csv; Model, ModelDeployment and RetrainPolicy churn applied");
    }

    internal async Task<TrainingRun> TrainAsync(string version, RunReason reason, CancellationToken cancellationToken, string? runName = null)
    {
        narrator.Begin($"Train {version} ({ApiText(reason)})");
        TrainingRun? done = null;
        await WaitAsync(async ct =>
        {
            var runs = await _objects.TrainingRunsAsync(ModelName, ct);
            var run = runName is null ? runs.FirstOrDefault(r => r.Spec.Reason == reason) : runs.FirstOrDefault(r => r.Metadata.Name == runName);
            if (run is null)
            {
                return false;
            }

            Once($"{run.Metadata.Name}/{run.Status.Phase}", $"   TrainingRun {run.Metadata.Name}: {ApiText(run.Status.Phase)}{(run.Status.JobName is null ? "" : $" (Job {run.Status.JobName})")}");
            foreach (var trial in run.Status.Trials ?? [])
            {
                var metrics = string.Join(", ", (trial.Metrics ?? []).Select(m => $"{m.Key} {m.Value:0.000}"));
                Once($"{run.Metadata.Name}/trial/{ApiText(trial.Algorithm)}/{metrics}", $"   trial {ApiText(trial.Algorithm)}: {metrics} in {trial.DurationSeconds:0.0} s");
            }

            if (run.Status.Phase == RunPhase.Failed)
            {
                throw new InvalidOperationException($"TrainingRun {run.Metadata.Name} failed: {run.Status.Message}");
            }

            done = run.Status.Phase == RunPhase.Succeeded ? run : null;
            return done is not null;
        }, TimeSpan.FromMinutes(4), $"training of {version}", cancellationToken);

        await WaitAsync(async ct =>
        {
            var model = await _objects.GetAsync<Model>(Model.KubeKind, ModelName, ct);
            var rejected = model?.Status.Versions?.FirstOrDefault(v => v.Version == version && v.Phase == VersionPhase.Rejected);
            if (rejected is not null)
            {
                throw new InvalidOperationException($"version {version} was not promoted: {rejected.Reason}");
            }

            return model?.Status.PromotedVersion == version;
        }, TimeSpan.FromMinutes(1), $"promotion of {version}", cancellationToken);
        narrator.End($"version {version} promoted ({done!.Status.Metric})");
        return done;
    }

    internal async Task ServeAsync(string version, CancellationToken cancellationToken)
    {
        narrator.Begin($"Roll out {version}");
        await WaitAsync(async ct =>
        {
            var deployment = await _objects.GetAsync<ModelDeployment>(ModelDeployment.KubeKind, ModelName, ct);
            Once($"serving/{deployment?.Status.ServingVersion}/{deployment?.Status.ReadyReplicas}", $"   ModelDeployment churn: serving {deployment?.Status.ServingVersion ?? "nothing yet"}, {deployment?.Status.ReadyReplicas ?? 0} ready");
            return deployment?.Status.ServingVersion == version && deployment.Status.ReadyReplicas >= 1;
        }, TimeSpan.FromMinutes(3), $"version {version} serving", cancellationToken);
        narrator.End($"version {version} serving");
    }

    internal async Task SendAsync(TrafficClient traffic, int batches, ChurnDataset.Shift shift, CancellationToken cancellationToken)
    {
        for (var i = 0; i < batches; i++)
        {
            await traffic.PredictAsync(_data.Take(20, shift), (customer, predicted) => Feedback(traffic, customer, predicted), cancellationToken);
        }
    }

    private async Task<T> SendUntilAsync<T>(TrafficClient traffic, ChurnDataset.Shift shift, Func<CancellationToken, Task<T?>> done, TimeSpan timeout, CancellationToken cancellationToken)
        where T : class
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (DateTimeOffset.UtcNow < deadline)
        {
            await SendAsync(traffic, batches: 10, shift, cancellationToken);
            if (await done(cancellationToken) is { } result)
            {
                return result;
            }
        }

        throw new TimeoutException($"no retraining within {timeout}; last trigger values: {string.Join(", ", await TriggerValuesAsync(cancellationToken))}");
    }

    private async Task SendUntilCancelledAsync(TrafficClient traffic, ChurnDataset.Shift shift, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await SendAsync(traffic, batches: 1, shift, CancellationToken.None);
            await Task.Delay(50, CancellationToken.None);
        }
    }

    /// <summary>
    /// What the callers say back: for a third of the predictions the true outcome (a delayed label), for
    /// another sixth a thumbs up or down on whether the prediction was right; the rest say nothing.
    /// </summary>
    private static string? Feedback(TrafficClient traffic, ChurnDataset.Customer customer, string predicted)
    {
        var roll = traffic.SampleRandom();
        if (roll < 0.33)
        {
            return customer.Churned;
        }

        return roll < 0.5 ? (predicted == customer.Churned ? "positive" : "negative") : null;
    }

    private async Task NarrateTriggersAsync(CancellationToken cancellationToken)
    {
        var policy = await _objects.GetAsync<RetrainPolicy>(RetrainPolicy.KubeKind, ModelName, cancellationToken);
        foreach (var trigger in policy?.Status.Triggers ?? [])
        {
            if (trigger.Value is { } value)
            {
                var bucket = Math.Round(value, 2);
                Once($"trigger/{trigger.Name}/{bucket}/{trigger.Firing}", $"   {trigger.Name}: {Format(value)} (threshold {Format(trigger.Threshold)}){(trigger.Firing == true ? " FIRING" : "")}");
            }
        }
    }

    private async Task<IReadOnlyList<string>> TriggerValuesAsync(CancellationToken cancellationToken)
    {
        var policy = await _objects.GetAsync<RetrainPolicy>(RetrainPolicy.KubeKind, ModelName, cancellationToken);
        return [.. (policy?.Status.Triggers ?? []).Select(t => $"{t.Name}={Format(t.Value)}/{Format(t.Threshold)}{(t.Firing == true ? " firing" : "")}")];
    }

    private void Once(string key, string line)
    {
        if (_narrated.Add(key))
        {
            narrator.Say(line);
        }
    }

    private static async Task WaitAsync(Func<CancellationToken, Task<bool>> condition, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (!await condition(cancellationToken))
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"{what} did not happen within {timeout.TotalSeconds:0} s");
            }

            await Task.Delay(Poll, cancellationToken);
        }
    }

    private static string ApiText<T>(T? value)
        where T : struct, Enum =>
        value is null ? "?" : ApiText(value.Value);

    private static string ApiText<T>(T value)
        where T : struct, Enum =>
        System.Text.Json.JsonSerializer.Serialize(value).Trim('"');

    private static string Format(double? value) => value?.ToString("0.000", CultureInfo.InvariantCulture) ?? "-";
}

/// <summary>What one demo run observed.</summary>
internal sealed class DemoResult
{
    public string? FirstRun { get; set; }

    public string? SecondRun { get; set; }

    public RunReason? RetrainReason { get; set; }

    public string? RetrainTrigger { get; set; }

    public IReadOnlyList<string> StationaryTriggers { get; set; } = [];

    public long FailedDuringRollout { get; set; }

    public long ServedAfterRollback { get; set; }

    public TrafficClient? Traffic { get; set; }
}
