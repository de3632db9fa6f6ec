using System.Collections.Concurrent;
using k8s;

namespace Flywheel.ApiServer.Node;

/// <summary>
/// The kubelet's pod lifecycle: a worker per pod bound to (or left unbound for) this node, told about every
/// change of its pod and about its removal; a deleting pod that no worker runs is released at once.
/// </summary>
internal sealed class Kubelet(IKubernetes client, NodeContext node) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, (PodWorker Worker, Task Run)> _workers = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();

    public async Task PassAsync(CancellationToken cancellationToken)
    {
        var pods = await client.CoreV1.ListPodForAllNamespacesAsync(cancellationToken: cancellationToken);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pod in pods.Items)
        {
            var uid = pod.Metadata.Uid;
            seen.Add(uid);
            if (_workers.TryGetValue(uid, out var running))
            {
                running.Worker.Update(pod);
            }
            else if (pod.Metadata.DeletionTimestamp is not null)
            {
                await node.ReleaseAsync(client, pod, cancellationToken);
            }
            else if (!pod.IsTerminal() && (string.IsNullOrEmpty(pod.Spec.NodeName) || pod.Spec.NodeName == node.Options.NodeName) && !_stop.IsCancellationRequested)
            {
                var worker = new PodWorker(client, pod, node);
                var run = Task.Run(() => worker.RunAsync(_stop.Token), CancellationToken.None);
                _workers[uid] = (worker, run);
                _ = run.ContinueWith(_ => _workers.TryRemove(uid, out var _), TaskScheduler.Default);
            }
        }

        foreach (var (uid, entry) in _workers)
        {
            if (!seen.Contains(uid))
            {
                entry.Worker.Vanished();
            }
        }
    }

    /// <summary>Stops every pod's processes; a last SIGKILL sweep catches anything that outlived its worker.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        var entries = _workers.Values.ToList();
        await Task.WhenAll(entries.Select(e => e.Run));
        foreach (var process in entries.SelectMany(e => e.Worker.Processes))
        {
            process.Kill();
        }

        _stop.Dispose();
    }
}
