using System.Diagnostics;

namespace Flywheel.Operator.Runtime;

/// <summary>The operator's ActivitySource; OpenTelemetry subscribes to it by <see cref="SourceName"/>.</summary>
public static class Telemetry
{
    public const string SourceName = "Flywheel.Operator";

    // ActivitySource is thread-safe and stateless for our purposes; one per process is the documented pattern.
    public static readonly ActivitySource Source = new(SourceName, Contracts.Cli.CommandDispatcher.InformationalVersion);
}
