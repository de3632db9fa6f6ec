using k8s;
using k8s.Models;

namespace Flywheel.ApiServer.Node;

/// <summary>
/// Runs one pod the way a kubelet does: claims it (finalizer, nodeName), gives it a loopback IP, prepares its
/// volumes, starts each container as a process, restarts them per restartPolicy, probes them, and reports
/// status. Deletion (deletionTimestamp) sends SIGTERM, SIGKILL after the grace period, then releases the pod.
/// </summary>
internal sealed class PodWorker
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);

    private readonly IKubernetes _client;
    private readonly NodeContext _node;
    private readonly Signal _wake = new();
    private readonly string _podIp;
    private readonly string _directory;
    private readonly List<ContainerRunner> _runners;
    private readonly DateTime _startTime;
    private V1Pod _pod;
    private volatile bool _deleting;
    private volatile bool _gone;
    private V1PodStatus? _published;

    public PodWorker(IKubernetes client, V1Pod pod, NodeContext node)
    {
        _client = client;
        _pod = pod;
        _node = node;
        _podIp = node.Addresses.Next();
        _startTime = node.Options.TimeProvider.GetUtcNow().UtcDateTime;
        _directory = Path.Combine(node.Options.RootDirectory, "pods", $"{pod.Metadata.NamespaceProperty}_{pod.Metadata.Name}_{pod.Metadata.Uid}");
        _runners = pod.Spec.Containers.Select(c => new ContainerRunner(c, c.Image, node.Options)).ToList();
    }

    public string Uid => _pod.Metadata.Uid;

    /// <summary>The latest version of the pod from the API server.</summary>
    public void Update(V1Pod pod)
    {
        _pod = pod;
        if (pod.Metadata.DeletionTimestamp is not null)
        {
            _deleting = true;
            _wake.Raise();
        }
    }

    /// <summary>The pod was removed without waiting for this node (a forced delete).</summary>
    public void Vanished()
    {
        _gone = true;
        _wake.Raise();
    }

    /// <summary>Every process this pod started (for the node's final sweep).</summary>
    public IEnumerable<ProcessGroup> Processes => _runners.Select(r => r.Process).OfType<ProcessGroup>();

    public async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            if (!await ClaimAsync(stopping))
            {
                return;
            }

            var prepared = false;
            while (!stopping.IsCancellationRequested && !_gone && !_deleting)
            {
                prepared = prepared || await PrepareAsync(stopping);
                if (prepared)
                {
                    Step();
                }

                await PublishAsync(stopping);
                await _wake.WaitAsync(Tick, stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            _node.Options.Log($"pod {_pod.Metadata.NamespaceProperty}/{_pod.Metadata.Name}: {e.Message}");
        }
        finally
        {
            await ShutDownAsync(stopping.IsCancellationRequested);
        }
    }

    private async Task<bool> ClaimAsync(CancellationToken cancellationToken)
    {
        var finalizers = (_pod.Metadata.Finalizers ?? []).Where(f => f != NodeContext.Finalizer).Append(NodeContext.Finalizer).ToList();
        var patch = new V1Patch(new { metadata = new { finalizers }, spec = new { nodeName = _node.Options.NodeName } }, V1Patch.PatchType.MergePatch);
        try
        {
            _pod = await _client.CoreV1.PatchNamespacedPodAsync(patch, _pod.Metadata.Name, _pod.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
            return true;
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>Resolves images, volumes and launches; a failure is a waiting reason, retried on the next tick.</summary>
    private async Task<bool> PrepareAsync(CancellationToken cancellationToken)
    {
        var unknown = _runners.Where(r => _node.Images.Resolve(r.Spec.Image) is null).ToList();
        foreach (var runner in unknown)
        {
            runner.SetWaiting("ErrImagePull", _node.Images.UnknownImageMessage(runner.Spec.Image));
        }

        if (unknown.Count > 0)
        {
            return false;
        }

        try
        {
            var volumes = await PodVolumes.PrepareAsync(_client, _pod, _node.Options.RootDirectory, _directory, cancellationToken);
            foreach (var runner in _runners)
            {
                runner.Launch = await ContainerLaunch.BuildAsync(
                    _client, _pod, runner.Spec, _node.Images.Resolve(runner.Spec.Image)!, volumes,
                    Path.Combine(_directory, "containers", runner.Spec.Name), _podIp, _node.Options.NodeName, cancellationToken);
            }

            return true;
        }
        catch (ContainerConfigException e)
        {
            foreach (var runner in _runners)
            {
                runner.SetWaiting("CreateContainerConfigError", e.Message);
            }

            return false;
        }
    }

    /// <summary>Collects exits, applies the restart policy and starts what is due.</summary>
    private void Step()
    {
        var policy = _pod.Spec.RestartPolicy ?? "Always";
        var now = _node.Options.TimeProvider.GetUtcNow();
        foreach (var runner in _runners)
        {
            if (runner.CollectExit(policy))
            {
                continue;
            }

            if (runner.Running || runner.Finished)
            {
                continue;
            }

            if (runner.EverStarted && runner.NextStart > now)
            {
                runner.BackOff(_pod.Metadata.Name);
                continue;
            }

            if (runner.EverStarted)
            {
                runner.BackOff(_pod.Metadata.Name);
            }

            try
            {
                runner.Start(_node.Http, _podIp, _wake.Raise);
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
            {
                runner.SetWaiting("RunContainerError", $"could not start {string.Join(' ', runner.Launch!.CommandLine)}: {e.Message}");
            }
        }
    }

    private async Task PublishAsync(CancellationToken cancellationToken)
    {
        var status = PodStatusBuilder.Build(_pod, _runners, _podIp, _startTime, _published, _node.Options.TimeProvider.GetUtcNow().UtcDateTime);
        if (!Workloads.Differs(_published, status))
        {
            return;
        }

        try
        {
            await _client.CoreV1.PatchNamespacedPodStatusAsync(Workloads.StatusPatch(status), _pod.Metadata.Name, _pod.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
            _published = status;
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            _gone = true;
        }
    }

    /// <summary>Stops every process (SIGTERM, then SIGKILL after the grace period) and lets the pod go.</summary>
    private async Task ShutDownAsync(bool nodeStopping)
    {
        var grace = nodeStopping || _gone
            ? _node.Options.ShutdownGracePeriod
            : TimeSpan.FromSeconds(_pod.Spec.TerminationGracePeriodSeconds ?? 30);
        await Task.WhenAll(_runners.Where(r => r.Running).Select(r => r.Process!.StopAsync(grace)));
        if (!nodeStopping && !_gone)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                foreach (var runner in _runners)
                {
                    runner.CollectExit("Never");
                }

                await PublishAsync(timeout.Token);
                await _node.ReleaseAsync(_client, _pod, timeout.Token);
            }
            catch (Exception e) when (e is k8s.Autorest.HttpOperationException or HttpRequestException or OperationCanceledException)
            {
                _node.Options.Log($"pod {_pod.Metadata.NamespaceProperty}/{_pod.Metadata.Name}: could not release: {e.Message}");
            }
        }

        foreach (var runner in _runners)
        {
            runner.Dispose();
        }

        if (!nodeStopping && Directory.Exists(_directory))
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // A process that ignored SIGKILL's aftermath still holds a file; the folder is only scratch space.
            }
        }
    }
}
