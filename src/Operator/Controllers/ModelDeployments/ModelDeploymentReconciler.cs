using Flywheel.Operator.Api.V1Alpha1;
using Flywheel.Operator.Builders;
using Flywheel.Operator.Builders.External;
using Flywheel.Operator.Runtime.Api;
using Flywheel.Operator.Runtime.Events;
using Flywheel.Operator.Runtime.Reconciliation;
using Flywheel.Operator.Runtime.Status;
using Flywheel.Operator.Triggers;
using k8s;
using k8s.Models;
using static Flywheel.Operator.Controllers.TrainingRuns.TrainingRunReconciler;

namespace Flywheel.Operator.Controllers.ModelDeployments;

/// <summary>
/// Serves the resolved version of a model: Deployment, Service, autoscaler and ServiceMonitor; moves
/// <c>servingVersion</c> once the new pods are ready, and rolls back automatically when a new version breaks the
/// analysis limits within its window.
/// </summary>
public sealed class ModelDeploymentReconciler(
    KubeApi api,
    ClusterReader cluster,
    ChildApplier children,
    StatusWriter statusWriter,
    EventRecorder events,
    RolloutMetricsSource metrics,
    TimeProvider time,
    OperatorSettings settings,
    FlywheelMetrics counters) : IReconciler<ModelDeployment>
{
    /// <summary>
    /// The planned re-check of every deployment. A change of its Model (a promotion, a kept version added or pruned)
    /// enqueues the deployment at once (<see cref="ModelWatch"/>); this re-check is the safety net behind that watch,
    /// the pace of the rollout analysis within its window, and how an autoscaler or ServiceMonitor CRD installed
    /// after the deployment is noticed.
    /// </summary>
    public static TimeSpan FollowInterval { get; } = TimeSpan.FromSeconds(30);

    public async Task<ReconcileResult> ReconcileAsync(ModelDeployment deployment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        if (deployment.Metadata.DeletionTimestamp is not null)
        {
            return ReconcileResult.Done;
        }

        var ns = deployment.Metadata.NamespaceProperty;
        var spec = deployment.Spec;
        var status = Copy(deployment.Status) ?? new ModelDeploymentStatus();
        status.ObservedGeneration = deployment.Metadata.Generation;
        status.Selector = InferenceDeploymentBuilder.Selector(deployment);
        status.Url = InferenceServiceBuilder.Url(deployment);

        if (spec.Rollout?.Analysis?.Window is { } window && !Durations.TryParse(window, out _))
        {
            await DegradeAsync(deployment, status, "InvalidSpec", $"spec.rollout.analysis.window \"{window}\" is not a duration; write it like 10m", cancellationToken).ConfigureAwait(false);
            throw new TerminalReconcileException("invalid spec.rollout.analysis.window");
        }

        var model = await api.ReadAsync<Model>(ns, spec.ModelRef.Name, cancellationToken).ConfigureAwait(false);
        if (model is null)
        {
            await WaitAsync(deployment, status, "ModelNotFound", $"Model {spec.ModelRef.Name} does not exist in {ns}; create it or fix spec.modelRef", cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Requeue(FollowInterval);
        }

        var pinned = string.IsNullOrEmpty(spec.Version) ? null : spec.Version;
        if (pinned is not null && model.Status?.FindVersion(pinned) is null)
        {
            await DegradeAsync(deployment, status, "VersionNotFound", $"spec.version {pinned} is not a kept version of model {model.Metadata.Name} (kept: {string.Join(", ", model.Status?.Versions?.Select(v => v.Version) ?? [])}); pin one of those or clear spec.version", cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Requeue(FollowInterval);
        }

        var target = pinned ?? model.Status?.PromotedVersion;
        if (target is null)
        {
            // The first promotion is a change of the Model, which enqueues this deployment.
            await WaitAsync(deployment, status, "WaitingForVersion", "waiting for a promoted version", cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Requeue(FollowInterval);
        }

        // After an automatic rollback, keep the good version until the user pins one or a newer version is promoted.
        var rolledBackFrom = RolloutAnalysis.RolledBackFrom(status);
        var desired = pinned is null && rolledBackFrom == target && status.ServingVersion is { } safe ? safe : target;
        var why = pinned is not null ? "Pinned" : desired == target ? "Promoted" : status.History![^1].Reason!;

        var problems = new List<string>();
        await children.EnsureAsync(InferenceDeploymentBuilder.Build(deployment, desired, settings), cancellationToken).ConfigureAwait(false);
        await children.EnsureAsync(InferenceServiceBuilder.Build(deployment), cancellationToken).ConfigureAwait(false);
        await EnsureAutoscalerAsync(deployment, problems, cancellationToken).ConfigureAwait(false);
        if (await cluster.CrdExistsAsync(ServiceMonitor.CrdName, cancellationToken).ConfigureAwait(false))
        {
            await children.EnsureAsync(ServiceMonitorBuilder.Build(deployment), cancellationToken).ConfigureAwait(false);
        }

        var live = await api.ReadAsync<V1Deployment>(ns, ChildNames.Inference(deployment.Metadata.Name), cancellationToken).ConfigureAwait(false);
        status.Replicas = live?.Status?.Replicas ?? 0;
        status.ReadyReplicas = live?.Status?.ReadyReplicas ?? 0;
        var rolledOut = live is not null && RolledOut(live, desired);
        var notes = new List<(EventType, string, string)>();
        if (rolledOut && status.RecordServing(desired, why, time))
        {
            notes.Add((EventType.Normal, "VersionServed", $"now serving version {desired} ({why})"));
        }

        var requeue = FollowInterval;
        if (rolledOut && RolloutAnalysis.WindowEnd(spec, status) is { } windowEnd && time.GetUtcNow() < windowEnd)
        {
            var breach = await AnalyzeAsync(deployment, status.ServingVersion!, problems, cancellationToken).ConfigureAwait(false);
            if (breach is not null)
            {
                var bad = status.ServingVersion!;
                var back = status.PreviousVersion!;
                status.RecordServing(back, $"{RolloutAnalysis.RolledBackPrefix}{bad}: {breach}", time);
                await children.EnsureAsync(InferenceDeploymentBuilder.Build(deployment, back, settings), cancellationToken).ConfigureAwait(false);
                problems.Add($"version {bad} was rolled back to {back}: {breach}; fix the model, or pin spec.version to serve {bad} anyway");
                // The rollback is the news; that the bad version was briefly served is in the history.
                notes.Clear();
                notes.Add((EventType.Warning, "RolledBack", $"rolled back from {bad} to {back}: {breach}"));
                rolledOut = false;
            }
            else
            {
                requeue = TimeSpan.FromTicks(Math.Min(requeue.Ticks, (windowEnd - time.GetUtcNow()).Ticks));
            }
        }

        var rolledBack = RolloutAnalysis.RolledBackFrom(status) is { } from && pinned is null && from == target;
        if (rolledBack && !problems.Any(p => p.Contains("rolled back", StringComparison.Ordinal)))
        {
            problems.Add($"version {target} was rolled back ({status.History![^1].Reason}); pin spec.version or promote a newer version");
        }

        var ready = rolledOut && status.ReadyReplicas > 0 || (rolledOut && status.Replicas == 0);
        status.SetCondition(ready
            ? Condition(ConditionTypes.Ready, ConditionStatus.True, "Serving", $"serving version {status.ServingVersion} with {status.ReadyReplicas} ready pod(s)", deployment)
            : Condition(ConditionTypes.Ready, ConditionStatus.False, "RollingOut", $"waiting for pods of version {desired} to be ready", deployment), time);
        status.SetCondition(rolledOut
            ? Condition(ConditionTypes.Progressing, ConditionStatus.False, "RolledOut", $"version {desired} is rolled out", deployment)
            : Condition(ConditionTypes.Progressing, ConditionStatus.True, "RollingOut", $"rolling out version {desired}", deployment), time);
        status.SetCondition(problems.Count == 0
            ? Condition(ConditionTypes.Degraded, ConditionStatus.False, "AsExpected", "no problems", deployment)
            : Condition(ConditionTypes.Degraded, ConditionStatus.True, rolledBack ? "RolledBack" : "Degraded", string.Join("; ", problems), deployment), time);
        await statusWriter.WriteAsync(deployment, status, cancellationToken).ConfigureAwait(false);
        foreach (var (type, reason, message) in notes)
        {
            if (reason == "RolledBack")
            {
                counters.Rollbacks.WithLabels(ns, spec.ModelRef.Name, "AnalysisFailed").Inc();
            }

            await events.RecordAsync(deployment, type, reason, message, cancellationToken).ConfigureAwait(false);
        }

        return ReconcileResult.Requeue(requeue);
    }

    private async Task EnsureAutoscalerAsync(ModelDeployment deployment, List<string> problems, CancellationToken cancellationToken)
    {
        var engine = InferenceDeploymentBuilder.IsAutoscaled(deployment) ? deployment.Spec.Autoscaling!.Engine ?? AutoscalingEngine.Hpa : AutoscalingEngine.None;
        await RemoveOtherAutoscalersAsync(deployment, engine, cancellationToken).ConfigureAwait(false);
        if (engine == AutoscalingEngine.None)
        {
            return;
        }

        if (engine == AutoscalingEngine.Hpa)
        {
            await children.EnsureAsync(AutoscalerBuilder.BuildHpa(deployment), cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!await cluster.CrdExistsAsync(ScaledObject.CrdName, cancellationToken).ConfigureAwait(false))
        {
            problems.Add("KEDA not installed: the ScaledObject CRD (scaledobjects.keda.sh) is missing; install KEDA or set spec.autoscaling.engine to hpa");
            return;
        }

        if ((deployment.Spec.Autoscaling!.Metric ?? ScalingMetric.Cpu) != ScalingMetric.Cpu && string.IsNullOrEmpty(settings.PrometheusUrl))
        {
            problems.Add("KEDA scales on requests or in-flight through Prometheus, and the operator has no Prometheus URL; set the chart's prometheus.url or scale on cpu");
            return;
        }

        await children.EnsureAsync(AutoscalerBuilder.BuildScaledObject(deployment, settings.PrometheusUrl), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A switch of engine (or to none) removes the autoscaler that no longer owns the pod count.</summary>
    private async Task RemoveOtherAutoscalersAsync(ModelDeployment deployment, AutoscalingEngine engine, CancellationToken cancellationToken)
    {
        var name = ChildNames.Inference(deployment.Metadata.Name);
        var ns = deployment.Metadata.NamespaceProperty;
        if (engine != AutoscalingEngine.Hpa)
        {
            await cluster.DeleteOwnedAsync<V2HorizontalPodAutoscaler>(
                deployment, name, ct => cluster.Client.AutoscalingV2.DeleteNamespacedHorizontalPodAutoscalerAsync(name, ns, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
        }

        if (engine != AutoscalingEngine.Keda && await cluster.CrdExistsAsync(ScaledObject.CrdName, cancellationToken).ConfigureAwait(false))
        {
            await cluster.DeleteOwnedAsync<ScaledObject>(
                deployment, name, ct => cluster.Client.CustomObjects.DeleteNamespacedCustomObjectAsync(ScaledObject.Group, "v1alpha1", ns, "scaledobjects", name, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<string?> AnalyzeAsync(ModelDeployment deployment, string version, List<string> problems, CancellationToken cancellationToken)
    {
        try
        {
            var measured = await metrics.MeasureAsync(deployment, version, cancellationToken).ConfigureAwait(false);
            return RolloutAnalysis.Breach(deployment.Spec.Rollout!.Analysis!, measured);
        }
        catch (Exception ex) when (ex is PrometheusUnavailableException or PromQlException)
        {
            problems.Add($"rollout analysis of {version} cannot read its metrics: {ex.Message}");
            return null;
        }
    }

    /// <summary>True when every pod runs <paramref name="version"/> and is ready: the rollout finished.</summary>
    private static bool RolledOut(V1Deployment live, string version)
    {
        var templateVersion = live.Spec?.Template?.Metadata?.Labels is { } labels && labels.TryGetValue(ChildMetadata.VersionLabel, out var v) ? v : null;
        var s = live.Status;
        if (templateVersion != version || s is null || (s.ObservedGeneration ?? 0) < (live.Metadata.Generation ?? 0))
        {
            return false;
        }

        var wanted = live.Spec!.Replicas ?? s.Replicas ?? 0;
        return (s.UpdatedReplicas ?? 0) >= wanted && (s.ReadyReplicas ?? 0) >= wanted && (s.Replicas ?? 0) == (s.UpdatedReplicas ?? 0);
    }

    private async Task WaitAsync(ModelDeployment deployment, ModelDeploymentStatus status, string reason, string message, CancellationToken cancellationToken)
    {
        status.SetCondition(Condition(ConditionTypes.Ready, ConditionStatus.False, reason, message, deployment), time);
        status.SetCondition(Condition(ConditionTypes.Progressing, ConditionStatus.True, reason, message, deployment), time);
        status.SetCondition(Condition(ConditionTypes.Degraded, reason == "ModelNotFound" ? ConditionStatus.True : ConditionStatus.False, reason, reason == "ModelNotFound" ? message : "no problems", deployment), time);
        await statusWriter.WriteAsync(deployment, status, cancellationToken).ConfigureAwait(false);
    }

    private async Task DegradeAsync(ModelDeployment deployment, ModelDeploymentStatus status, string reason, string message, CancellationToken cancellationToken)
    {
        status.SetCondition(Condition(ConditionTypes.Degraded, ConditionStatus.True, reason, message, deployment), time);
        status.SetCondition(Condition(ConditionTypes.Ready, ConditionStatus.False, reason, message, deployment), time);
        if (await statusWriter.WriteAsync(deployment, status, cancellationToken).ConfigureAwait(false))
        {
            await events.RecordAsync(deployment, EventType.Warning, reason, message, cancellationToken).ConfigureAwait(false);
        }
    }
}
