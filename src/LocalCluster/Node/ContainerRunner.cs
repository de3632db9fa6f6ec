using k8s.Models;

namespace Flywheel.ApiServer.Node;

/// <summary>
/// One container of a pod: its process, restarts with backoff, probe verdicts, and the containerStatus a
/// kubelet would report (waiting / running / terminated, lastState, restartCount, ready, started).
/// </summary>
internal sealed class ContainerRunner(V1Container spec, string image, NodeOptions options) : IDisposable
{
    private const int MessageLimit = 4096;
    private const int LogTailLines = 80;
    private const int LogTailBytes = 2048;

    private readonly object _gate = new();
    private ProcessGroup? _process;
    private CancellationTokenSource? _probes;
    private V1ContainerState _state = Waiting("ContainerCreating", null);
    private V1ContainerState? _lastState;
    private bool _ready;
    private bool _livenessFailed;
    private bool _exitCollected;
    private DateTimeOffset _startedAt;

    public V1Container Spec => spec;

    public int RestartCount { get; private set; }

    public ContainerLaunch? Launch { get; set; }

    public bool Running => _process is { HasExited: false };

    /// <summary>Terminated and will not run again under the pod's restart policy.</summary>
    public bool Finished { get; private set; }

    public bool Succeeded => Finished && _state.Terminated?.ExitCode == 0;

    public bool EverStarted => _process is not null || RestartCount > 0;

    /// <summary>When a crashed container may start again.</summary>
    public DateTimeOffset NextStart { get; private set; }

    public bool IsReady => Running && _ready;

    public ProcessGroup? Process => _process;

    public static V1ContainerState Waiting(string reason, string? message) => new() { Waiting = new V1ContainerStateWaiting { Reason = reason, Message = message } };

    public void SetWaiting(string reason, string? message)
    {
        lock (_gate)
        {
            _state = Waiting(reason, message);
        }
    }

    public void Start(HttpClient http, string podIp, Action wake)
    {
        var launch = Launch!;
        File.Delete(launch.TerminationMessageFile);
        var process = ProcessGroup.Start(launch.CommandLine, launch.Environment, launch.WorkingDirectory, launch.LogFile);
        _startedAt = options.TimeProvider.GetUtcNow();
        lock (_gate)
        {
            _process?.Dispose();
            _process = process;
            _ready = spec.ReadinessProbe is null;
            _livenessFailed = false;
            _exitCollected = false;
            _state = new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = _startedAt.UtcDateTime } };
        }

        _ = process.Exited.ContinueWith(_ => wake(), TaskScheduler.Default);
        _probes?.Dispose();
        _probes = new CancellationTokenSource();
        var token = _probes.Token;
        if (spec.ReadinessProbe is { } readiness)
        {
            _ = new Prober(http, readiness, spec, podIp).RunAsync(ok => { _ready = ok; wake(); }, token).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        if (spec.LivenessProbe is { } liveness)
        {
            _ = new Prober(http, liveness, spec, podIp).RunAsync(ok => OnLiveness(ok, liveness), token).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private void OnLiveness(bool ok, V1Probe probe)
    {
        if (!ok && _process is { } process)
        {
            // The kubelet kills a container that fails liveness; the restart policy decides what follows.
            _livenessFailed = true;
            var grace = TimeSpan.FromSeconds(probe.TerminationGracePeriodSeconds ?? 1);
            _ = process.StopAsync(grace);
        }
    }

    /// <summary>Notices an exit: records the terminated state and whether (and when) the container restarts.</summary>
    public bool CollectExit(string restartPolicy)
    {
        var process = _process;
        if (process is null || !process.HasExited || _exitCollected)
        {
            return false;
        }

        _exitCollected = true;

        _probes?.Cancel();
        var exitCode = process.ExitCode;
        var terminated = new V1ContainerStateTerminated
        {
            ExitCode = exitCode,
            Reason = exitCode == 0 ? "Completed" : "Error",
            Message = TerminationMessage(exitCode),
            StartedAt = _startedAt.UtcDateTime,
            FinishedAt = options.TimeProvider.GetUtcNow().UtcDateTime,
        };
        if (_livenessFailed)
        {
            terminated.Message ??= "Container failed its liveness probe and was restarted";
        }

        var restart = restartPolicy switch
        {
            "Never" => false,
            "OnFailure" => exitCode != 0,
            _ => true,
        };
        lock (_gate)
        {
            _state = new V1ContainerState { Terminated = terminated };
            Finished = !restart;
            if (restart)
            {
                var delay = options.RestartBackoff * Math.Pow(2, Math.Min(RestartCount, 16));
                NextStart = options.TimeProvider.GetUtcNow() + (delay > options.MaxRestartBackoff ? options.MaxRestartBackoff : delay);
            }
        }

        return true;
    }

    /// <summary>Moves a terminated container that will restart into CrashLoopBackOff until its backoff passes.</summary>
    public void BackOff(string podName)
    {
        lock (_gate)
        {
            if (_state.Terminated is { } terminated && !Finished)
            {
                _lastState = new V1ContainerState { Terminated = terminated };
                RestartCount++;
                var seconds = Math.Max(0, (int)Math.Round((NextStart - options.TimeProvider.GetUtcNow()).TotalSeconds));
                _state = Waiting("CrashLoopBackOff", $"back-off {seconds}s restarting failed container={spec.Name} pod={podName}");
            }
        }
    }

    public V1ContainerStatus Status(string? containerId)
    {
        lock (_gate)
        {
            return new V1ContainerStatus
            {
                Name = spec.Name,
                Image = image,
                ImageID = string.Empty,
                ContainerID = containerId,
                Ready = IsReady,
                Started = Running,
                RestartCount = RestartCount,
                State = _state,
                LastState = _lastState ?? new V1ContainerState(),
            };
        }
    }

    /// <summary>The file the container wrote, or with FallbackToLogsOnError and nothing written, its log's tail.</summary>
    private string? TerminationMessage(int exitCode)
    {
        var launch = Launch!;
        if (File.Exists(launch.TerminationMessageFile))
        {
            var bytes = File.ReadAllBytes(launch.TerminationMessageFile);
            if (bytes.Length > 0)
            {
                return System.Text.Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, MessageLimit));
            }
        }

        if (exitCode != 0 && spec.TerminationMessagePolicy == "FallbackToLogsOnError" && File.Exists(launch.LogFile))
        {
            var tail = string.Join('\n', File.ReadLines(launch.LogFile).TakeLast(LogTailLines));
            return tail.Length > LogTailBytes ? tail[^LogTailBytes..] : tail;
        }

        return null;
    }

    public void Dispose()
    {
        _probes?.Cancel();
        _probes?.Dispose();
        _process?.Dispose();
    }
}
