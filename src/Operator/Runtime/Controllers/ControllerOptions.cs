using Flywheel.Operator.Runtime.Informers;

namespace Flywheel.Operator.Runtime.Controllers;

/// <summary>How the controllers run: workers per controller, watched namespaces and informer timing.</summary>
public sealed record ControllerOptions
{
    /// <summary>Concurrent reconciles per controller; one key is never reconciled twice at once.</summary>
    public int Workers { get; init; } = 2;

    /// <summary>Namespaces to watch; empty means all namespaces.</summary>
    public IReadOnlyList<string> Namespaces { get; init; } = [];

    public InformerOptions Informer { get; init; } = new();

    /// <summary>Backoff of failed reconciles, per key.</summary>
    public TimeSpan BackoffBase { get; init; } = TimeSpan.FromMilliseconds(5);

    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromSeconds(1000);
}
