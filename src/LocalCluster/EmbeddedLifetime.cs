namespace Flywheel.ApiServer;

/// <summary>
/// The embedded server's host lifetime: it does not listen for SIGTERM or Ctrl+C, which belong to the process
/// that embeds it (a test run, the operator in local mode, or this program's own Main).
/// </summary>
internal sealed class EmbeddedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
