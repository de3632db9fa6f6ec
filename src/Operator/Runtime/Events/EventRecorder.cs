using System.Globalization;
using System.Net;
using Flywheel.Operator.Runtime.Api;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Flywheel.Operator.Runtime.Events;

/// <summary>The type of a Kubernetes event.</summary>
public enum EventType
{
    Normal,
    Warning,
}

/// <summary>
/// Emits core/v1 Events about the operator's objects, as kubectl describe shows them. Repeats of the same
/// event (object, type, reason, message) within <see cref="DedupWindow"/> bump the count of the existing
/// Event instead of creating another, as client-go's recorder does.
/// </summary>
public sealed class EventRecorder(IKubernetes client, KubeApi api, TimeProvider time, ILogger<EventRecorder> logger)
{
    public const string Component = "flywheel-operator";

    private readonly Dictionary<(string Uid, EventType Type, string Reason, string Message), Recorded> _recent = [];
    private readonly Lock _lock = new();
    private long _sequence;

    public static TimeSpan DedupWindow { get; } = TimeSpan.FromMinutes(10);

    /// <summary>Records an event; failures are logged, never thrown, since an event must not fail a reconcile.</summary>
    public async Task RecordAsync(IKubernetesObject<V1ObjectMeta> obj, EventType type, string reason, string message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var now = time.GetUtcNow();
        var ns = obj.Metadata.NamespaceProperty ?? "default";
        var key = (obj.Metadata.Uid ?? $"{ns}/{obj.Metadata.Name}", type, reason, message);
        Recorded? previous;
        lock (_lock)
        {
            _recent.TryGetValue(key, out previous);
            if (previous is not null && now - previous.LastSeen > DedupWindow)
            {
                previous = null;
            }

            Prune(now);
        }

        try
        {
            Recorded recorded;
            if (previous is null)
            {
                recorded = await CreateAsync(obj, ns, type, reason, message, now, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                recorded = await IncrementAsync(obj, ns, type, reason, message, previous, now, cancellationToken).ConfigureAwait(false);
            }

            lock (_lock)
            {
                _recent[key] = recorded;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(ex, "Could not record event {Reason} on {Kind} {Namespace}/{Name}", reason, obj.Kind, ns, obj.Metadata.Name);
        }
    }

    private async Task<Recorded> IncrementAsync(IKubernetesObject<V1ObjectMeta> obj, string ns, EventType type, string reason, string message, Recorded previous, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var count = previous.Count + 1;
        var patch = new V1Patch(
            $$"""{"count":{{count}},"lastTimestamp":"{{now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}}"}""",
            V1Patch.PatchType.MergePatch);
        try
        {
            await api.ExecuteAsync(ct => client.CoreV1.PatchNamespacedEventAsync(patch, previous.Name, ns, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
            return previous with { Count = count, LastSeen = now };
        }
        catch (HttpOperationException ex) when (ex.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            // The server expired the event (events have a TTL): start a new one.
            return await CreateAsync(obj, ns, type, reason, message, now, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<Recorded> CreateAsync(IKubernetesObject<V1ObjectMeta> obj, string ns, EventType type, string reason, string message, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // client-go's naming: the object's name and a unique hex suffix. The time alone is not unique:
        // two events about one object at the same tick (a fake clock, a coarse one) would share a name.
        var name = $"{obj.Metadata.Name}.{now.UtcTicks:x}{Interlocked.Increment(ref _sequence):x4}";
        var timestamp = now.UtcDateTime;
        var body = new Corev1Event
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
            InvolvedObject = new V1ObjectReference
            {
                ApiVersion = obj.ApiVersion,
                Kind = obj.Kind,
                Name = obj.Metadata.Name,
                NamespaceProperty = obj.Metadata.NamespaceProperty,
                Uid = obj.Metadata.Uid,
                ResourceVersion = obj.Metadata.ResourceVersion,
            },
            Type = type.ToString(),
            Reason = reason,
            Message = message,
            Count = 1,
            FirstTimestamp = timestamp,
            LastTimestamp = timestamp,
            Source = new V1EventSource { Component = Component },
            ReportingComponent = Component,
            ReportingInstance = Environment.MachineName,
        };
        await api.ExecuteAsync(ct => client.CoreV1.CreateNamespacedEventAsync(body, ns, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
        return new Recorded(name, 1, now);
    }

    private void Prune(DateTimeOffset now)
    {
        if (_recent.Count < 4096)
        {
            return;
        }

        foreach (var stale in _recent.Where(p => now - p.Value.LastSeen > DedupWindow).Select(p => p.Key).ToList())
        {
            _recent.Remove(stale);
        }
    }

    private sealed record Recorded(string Name, int Count, DateTimeOffset LastSeen);
}
