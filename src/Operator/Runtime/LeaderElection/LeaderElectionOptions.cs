namespace Flywheel.Operator.Runtime.LeaderElection;

/// <summary>Leader election through a coordination.k8s.io Lease, so only one replica runs the controllers.</summary>
public sealed record LeaderElectionOptions
{
    public bool Enabled { get; init; } = true;

    public string LeaseName { get; init; } = "flywheel-operator";

    public string LeaseNamespace { get; init; } = "flywheel-system";

    /// <summary>This replica's name in the Lease; the pod name in a cluster.</summary>
    public string Identity { get; init; } = $"{Environment.MachineName}-{Guid.NewGuid():N}";

    /// <summary>How long a Lease stays valid without renewal; a standby waits this long before taking over.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the leader keeps trying to renew before it gives up leadership.</summary>
    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);
}
