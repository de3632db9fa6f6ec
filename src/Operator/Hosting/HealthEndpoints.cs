using Flywheel.Operator.Runtime.Controllers;
using Flywheel.Operator.Runtime.LeaderElection;
using Prometheus;

namespace Flywheel.Operator.Hosting;

/// <summary>/healthz (the process answers), /readyz (caches synced, or a healthy standby) and /metrics.</summary>
public static class HealthEndpoints
{
    public static WebApplication MapOperatorEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/readyz", (ControllerManager manager, LeaderElectionOptions election, IServiceProvider services) =>
        {
            var leading = !election.Enabled || services.GetRequiredService<LeaderElectedRunner>().IsLeader;

            // A standby is ready: it serves health and metrics and waits for the Lease.
            if (!leading)
            {
                return Results.Text("standby");
            }

            return manager.IsSynced
                ? Results.Text("ok")
                : Results.Text("caches not synced: " + string.Join(", ", manager.Controllers.Where(c => !c.IsSynced).Select(c => c.Name)), statusCode: StatusCodes.Status503ServiceUnavailable);
        });
        app.MapMetrics("/metrics", app.Services.GetRequiredService<CollectorRegistry>());
        return app;
    }
}
