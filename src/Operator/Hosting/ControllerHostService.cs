using Flywheel.Operator.Runtime.Controllers;
using Flywheel.Operator.Runtime.LeaderElection;

namespace Flywheel.Operator.Hosting;

/// <summary>Runs the controllers for the life of the host: under the Lease when leader election is on, directly otherwise.</summary>
public sealed class ControllerHostService(ControllerManager manager, LeaderElectionOptions election, IServiceProvider services) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        election.Enabled
            ? services.GetRequiredService<LeaderElectedRunner>().RunAsync(manager.RunAsync, stoppingToken)
            : manager.RunAsync(stoppingToken);
}
