using Flywheel.Contracts.Cli;

namespace Flywheel.InferenceServer;

/// <summary>The inference server's command line.</summary>
internal static class InferenceServerCli
{
    public const string Usage = """
        flywheel-inference — serves one Flywheel model version over the Open Inference Protocol.

        Usage:
          flywheel-inference <command> [options]

        Commands:
          version              Print the server version.
          help                 Print this help.

        Options:
          -h, --help           Print this help.

        """;

    public static CommandDispatcher Create() => new("flywheel-inference", Usage);
}
