using Flywheel.Contracts.Cli;
using Flywheel.Operator.Controllers;
using Flywheel.Operator.Crds;
using Flywheel.Operator.Crds.Validation;

namespace Flywheel.Operator;

/// <summary>The operator's command line: each command is one entry point of the program.</summary>
internal static class OperatorCli
{
    public const string Usage = """
        flywheel-operator — the Flywheel Kubernetes operator (build, serve, maintain, retrain).

        Usage:
          flywheel-operator <command> [options]

        Commands:
          local [--demo]       Run Flywheel on this machine: an embedded API server, a node that
                               runs Pods as local processes (the built trainer and inference
                               server play their images), the CRDs and the operator. Prints the
                               kubectl line to use it; Ctrl+C stops everything it started.
                               --demo applies the churn sample, serves 1.0, shifts the traffic
                               until drift retrains 1.1, rolls it out, rolls back to 1.0, prints
                               a summary and exits. Options: --data-dir DIR (default .flywheel),
                               --port N (API server; default free), --prometheus-url URL.
          run [--Key=value...] Run the controllers (Model, TrainingRun, ModelDeployment,
                               RetrainPolicy) under leader election, with /healthz, /readyz
                               and /metrics. Settings come from --config FILE, FLYWHEEL_*
                               environment variables and --Key=value arguments.
          crds [--output DIR]  Generate the CustomResourceDefinitions from the API types: one
                               file per kind into DIR, or one YAML stream on stdout.
          validate FILE...     Check Flywheel manifests against the CRD schemas and CEL rules
                               offline; prints each error with its field path (exit 1 if any).
          version              Print the operator version.
          help                 Print this help.

        Options:
          -h, --help           Print this help.

        """;

    public static CommandDispatcher Create() =>
        new CommandDispatcher("flywheel-operator", Usage)
            .Add("local", Local.LocalCommand.Create((services, options) => services.AddFlywheelControllers(FlywheelControllers.Settings(options))))
            .Add("run", RunCommand.RunAsync)
            .Add("crds", CrdsCommand.RunAsync)
            .Add("validate", ValidateCommand.RunAsync);
}
