namespace Flywheel.Operator.Runtime.Controllers;

/// <summary>One controller: informers for its kind, owned kinds and watched kinds, a work queue and workers.</summary>
public interface IController
{
    string Name { get; }

    /// <summary>True once every informer of the controller has listed.</summary>
    bool IsSynced { get; }

    /// <summary>Runs until <paramref name="cancellationToken"/> is canceled (shutdown or lost leadership).</summary>
    Task RunAsync(CancellationToken cancellationToken);
}
