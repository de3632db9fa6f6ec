using Flywheel.Contracts.Cli;

namespace Flywheel.Operator;

/// <summary>The operator's command line: each command is one entry point of the program.</summary>
internal static class OperatorCli
{
    public const string Usage = """
        flywheel-operator — the Flywheel Kubernetes operator (build, serve, maintain, retrain).

        Usage:
          flywheel-operator <command> [options]

        Commands:
          version              Print the operator version.
          help                 Print this help.

        Options:
          -h, --help           Print this help.

        """;

    public static CommandDispatcher Create() => new("flywheel-operator", Usage);
}
