using Flywheel.Contracts.Cli;

namespace Flywheel.LocalCluster;

/// <summary>The embedded cluster's command line.</summary>
internal static class LocalClusterCli
{
    public const string Usage = """
        flywheel-localcluster — an embedded Kubernetes API server for tests and local mode.

        Usage:
          flywheel-localcluster <command> [options]

        Commands:
          version              Print the version.
          help                 Print this help.

        Options:
          -h, --help           Print this help.

        """;

    public static CommandDispatcher Create() => new("flywheel-localcluster", Usage);
}
