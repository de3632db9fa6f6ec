using Flywheel.Operator.Controllers;
using Flywheel.Operator.Local;
using Flywheel.Testing;

namespace Flywheel.EndToEnd.Support;

/// <summary>Local mode as the end-to-end tests start it: state in a temporary folder, the test build's programs.</summary>
internal static class LocalRuns
{
    /// <summary>The configuration these tests were built in, which is the one of the trainer and server the node runs.</summary>
    public static string Configuration => AppContext.BaseDirectory.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";

    /// <summary>The churn sample the demo applies.</summary>
    public static string ChurnSamples => Path.Combine(TestTools.RepositoryRoot, "deploy", "samples", "churn");

    public static LocalModeOptions Options(string root, bool startOperator = true) => new()
    {
        DataDirectory = root,
        RepositoryRoot = TestTools.RepositoryRoot,
        Configuration = Configuration,
        StartOperator = startOperator,
    };

    /// <summary>Starts the stack, with Flywheel's controllers in-process unless the options leave the operator out.</summary>
    public static Task<LocalStack> StartAsync(LocalModeOptions options, TextWriter log, CancellationToken cancellationToken) =>
        LocalStack.StartAsync(
            options,
            options.StartOperator ? (services, o) => services.AddFlywheelControllers(FlywheelControllers.Settings(o)) : (_, _) => { },
            log,
            cancellationToken);
}
