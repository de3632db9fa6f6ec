using k8s;
using k8s.Autorest;

namespace Flywheel.ApiServer.Node;

/// <summary>
/// Runs one level-triggered pass whenever a watched kind changes, and at least every resync interval
/// (deadlines and readiness need re-checks without events). A pass that throws is retried on the next wake.
/// </summary>
internal sealed class ControlLoop : IAsyncDisposable
{
    private readonly Signal _wake = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _tasks = [];
    private readonly TimeSpan _resync;
    private readonly Action<string> _log;

    public ControlLoop(TimeSpan resync, Action<string> log)
    {
        _resync = resync;
        _log = log;
    }

    /// <summary>Raises the wake-up on every event of a watch, re-opening it when it ends.</summary>
    public void Watch<T, TList>(Func<CancellationToken, Task<HttpOperationResponse<TList>>> open)
    {
        var token = _stop.Token;
        _tasks.Add(Task.Run(async () =>
        {
            while (!token.IsCancellationRequested)
            {
                try
                {
#pragma warning disable CS0618 // The typed watch helper is marked obsolete in KubernetesClient 21 but is the way to watch built-in kinds.
                    await foreach (var _ in open(token).WatchAsync<T, TList>(cancellationToken: token))
#pragma warning restore CS0618
                    {
                        _wake.Raise();
                    }
                }
                catch (Exception) when (!token.IsCancellationRequested)
                {
                    // The server went away or closed the stream: re-open after a pause.
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                _wake.Raise();
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200), token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }, token));
    }

    /// <summary>Starts the pass loop.</summary>
    public void Run(Func<CancellationToken, Task> pass)
    {
        var token = _stop.Token;
        _tasks.Add(Task.Run(async () =>
        {
            while (!token.IsCancellationRequested)
            {
                try
                {
                    await pass(token);
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    // Level-triggered: the next pass sees the world afresh and tries again.
                    _log($"pass failed, retrying: {e.Message}");
                }

                try
                {
                    await _wake.WaitAsync(_resync, token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }, token));
    }

    public void Wake() => _wake.Raise();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var task in _tasks)
        {
            try
            {
                await task;
            }
            catch (OperationCanceledException)
            {
            }
        }

        _stop.Dispose();
    }
}
