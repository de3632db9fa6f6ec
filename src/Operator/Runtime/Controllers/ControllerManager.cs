namespace Flywheel.Operator.Runtime.Controllers;

/// <summary>Runs every registered controller together, for as long as the token allows (a leadership term).</summary>
public sealed class ControllerManager(IEnumerable<IController> controllers, ILogger<ControllerManager> logger)
{
    private readonly IReadOnlyList<IController> _controllers = [.. controllers];
    private volatile bool _running;

    public IReadOnlyList<IController> Controllers => _controllers;

    public bool IsRunning => _running;

    /// <summary>True when running and every controller's caches have listed.</summary>
    public bool IsSynced => _running && _controllers.All(c => c.IsSynced);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _running = true;
        logger.LogInformation("Starting {Count} controllers: {Controllers}", _controllers.Count, string.Join(", ", _controllers.Select(c => c.Name)));
        try
        {
            await Task.WhenAll(_controllers.Select(c => c.RunAsync(cancellationToken))).ConfigureAwait(false);
        }
        finally
        {
            _running = false;
        }
    }
}
