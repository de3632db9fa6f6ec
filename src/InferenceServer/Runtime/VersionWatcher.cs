using System.Runtime.InteropServices;
using Flywheel.InferenceServer.Hosting;

namespace Flywheel.InferenceServer.Runtime;

/// <summary>
/// Watches the version pointer (<c>--version-file</c>): re-reads it every reload interval and at once on
/// SIGHUP, and asks the holder to load the version it names.
/// </summary>
internal sealed class VersionWatcher : IAsyncDisposable
{
    private readonly ServerOptions _options;
    private readonly ModelHolder _holder;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly PosixSignalRegistration? _sighup;
    private readonly Task _loop;

    public VersionWatcher(ServerOptions options, ModelHolder holder, ILogger logger)
    {
        _options = options;
        _holder = holder;
        _logger = logger;
        _sighup = OperatingSystem.IsWindows() ? null : PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            _wake.Release();
        });
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>The version the pointer names now: the file's first line, or the configured version.</summary>
    public static string? ReadVersion(ServerOptions options)
    {
        if (options.VersionFile is null)
        {
            return options.ModelVersion;
        }

        var text = File.Exists(options.VersionFile) ? File.ReadAllText(options.VersionFile).Trim() : string.Empty;
        return text.Length > 0 ? text.Split('\n')[0].Trim() : options.ModelVersion;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        _sighup?.Dispose();
        _stop.Dispose();
        _wake.Dispose();
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            await _wake.WaitAsync(_options.ReloadInterval, _stop.Token);
            try
            {
                await _holder.LoadAsync(ReadVersion(_options), _stop.Token);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _logger.LogWarning("Could not read the version pointer {File}: {Message}", _options.VersionFile, ex.Message);
            }
        }
    }
}
