using Flywheel.Contracts.Cli;

namespace Flywheel.Trainer;

/// <summary>The trainer's command line.</summary>
internal static class TrainerCli
{
    public const string Usage = """
        flywheel-trainer — trains a Flywheel model version from a TrainingRun's frozen spec.

        Usage:
          flywheel-trainer <command> [options]

        Commands:
          version              Print the trainer version.
          help                 Print this help.

        Options:
          -h, --help           Print this help.

        """;

    public static CommandDispatcher Create() => new("flywheel-trainer", Usage);
}
