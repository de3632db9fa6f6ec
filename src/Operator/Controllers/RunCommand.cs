using Flywheel.Contracts.Cli;
using Flywheel.Operator.Hosting;

namespace Flywheel.Operator.Controllers;

/// <summary><c>flywheel-operator run</c>: the controllers under leader election, with health and metrics endpoints.</summary>
internal static class RunCommand
{
    public static async Task<int> RunAsync(CommandLine args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        // The host binds --Key=value pairs (and --config FILE) itself.
        string[] hostArgs = [.. args.OptionNames.Where(n => args.Get(n) is not null).Select(n => $"--{n}={args.Get(n)}")];
        WebApplication app;
        try
        {
            app = OperatorHost.Build(hostArgs, (services, options) => services.AddFlywheelControllers(FlywheelControllers.Settings(options)));
        }
        catch (OperatorConfigurationException ex)
        {
            await stderr.WriteLineAsync($"flywheel-operator run: {ex.Message}").ConfigureAwait(false);
            return CommandDispatcher.UsageError;
        }

        await using (app.ConfigureAwait(false))
        {
            await stdout.WriteLineAsync("flywheel-operator: controllers starting").ConfigureAwait(false);
            await app.RunAsync(cancellationToken).ConfigureAwait(false);
        }

        return 0;
    }
}
