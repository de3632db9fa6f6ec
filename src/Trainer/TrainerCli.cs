using Flywheel.Contracts.Artifacts;
using Flywheel.Contracts.Cli;
using Flywheel.Contracts.Training;
using Flywheel.Trainer.Tracking;

namespace Flywheel.Trainer;

/// <summary>The trainer's command line.</summary>
internal static class TrainerCli
{
    /// <summary>Exit code for a failure that is not the input's fault.</summary>
    public const int InternalError = 1;

    public const string Usage = """
        flywheel-trainer — trains a Flywheel model version from a TrainingRun's frozen spec.

        Usage:
          flywheel-trainer train --spec <file> --output <dir> [options]
          flywheel-trainer <command> [options]

        Commands:
          train                Load, clean, train candidates, export model.onnx and manifest.json.
          version              Print the trainer version.
          help                 Print this help.

        Options for train:
          --spec <file>              Frozen training spec (JSON). Env: FLYWHEEL_TRAINING_SPEC.
          --output <dir>             Model store root (the version goes to <ns>/<model>/<version>/)
                                     or that version directory itself; pvc:// allowed. Env: FLYWHEEL_MODEL_STORE.
          --termination-log <path>   Where the JSON summary goes (default /dev/termination-log).
                                     Env: FLYWHEEL_TERMINATION_LOG.
          --data-root <dir>          Where pvc://<claim>/<path> is mounted (default /data). Env: FLYWHEEL_DATA_ROOT.
          --feedback-logs <dir>      The inference server's prediction/feedback logs, used when the spec sets
                                     data.includeFeedback but no data.feedbackLogs. Env: FLYWHEEL_FEEDBACK_LOGS.
          --no-latency               Skip measuring each trial's ONNX Runtime latency.

        Options:
          -h, --help           Print this help.

        Remote data: s3:// is signed (AWS Signature Version 4) with AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY
        and AWS_SESSION_TOKEN in AWS_REGION (default us-east-1), on FLYWHEEL_S3_ENDPOINT (path style) when set;
        https:// sends FLYWHEEL_DATA_TOKEN as a bearer token. Without them, reads are anonymous.

        Exit codes: 0 success, 2 bad data or spec (the message names the field, column or row and the fix),
        1 any other failure.

        """;

    public static CommandDispatcher Create(bool progressBar = false) =>
        new CommandDispatcher("flywheel-trainer", Usage).Add("train", (args, stdout, stderr, token) => TrainAsync(args, stdout, stderr, progressBar, token));

    private static async Task<int> TrainAsync(CommandLine args, TextWriter stdout, TextWriter stderr, bool progressBar, CancellationToken cancellationToken)
    {
        args.RejectUnknown("spec", "output", "termination-log", "data-root", "feedback-logs", "no-latency");
        var specPath = args.Get("spec") ?? Environment.GetEnvironmentVariable(TrainerEnvironment.Spec)
            ?? throw new CommandLineException($"--spec is required (or set {TrainerEnvironment.Spec}): the path of the frozen training spec");
        var output = args.Get("output") ?? Environment.GetEnvironmentVariable(TrainerEnvironment.Store)
            ?? throw new CommandLineException($"--output is required (or set {TrainerEnvironment.Store}): the model store root or version directory");
        var terminationLog = args.Get("termination-log") ?? Environment.GetEnvironmentVariable(TrainerEnvironment.TerminationLog) ?? TrainingSummary.DefaultPath;
        var dataRoot = args.Get("data-root") ?? Environment.GetEnvironmentVariable(TrainerEnvironment.DataRoot) ?? new TrainerOptions().DataRoot;
        var feedbackLogs = args.Get("feedback-logs") ?? Environment.GetEnvironmentVariable(TrainerEnvironment.FeedbackLogs);

        TrainingSummary summary;
        int code;
        try
        {
            if (!File.Exists(specPath))
            {
                throw new TrainingInputException($"spec file {specPath} does not exist; fix --spec or {TrainerEnvironment.Spec}");
            }

            TrainingSpec spec;
            try
            {
                spec = TrainingSpecJson.Deserialize(await File.ReadAllTextAsync(specPath, cancellationToken), specPath);
                if (spec.Data is { IncludeFeedback: true, FeedbackLogs: null or "" } data && !string.IsNullOrEmpty(feedbackLogs))
                {
                    // The Job knows where its pods' logs are mounted; the frozen spec stays free of pod paths.
                    spec = spec with { Data = data with { FeedbackLogs = feedbackLogs } };
                }
            }
            catch (InvalidDataException ex)
            {
                throw new TrainingInputException(ex.Message);
            }

            var result = await TrainerRunner.RunAsync(spec, output, new TrainerOptions { DataRoot = dataRoot, Log = stdout, ProgressBar = progressBar, MeasureLatency = !args.Has("no-latency") }, cancellationToken);
            summary = result.Summary;
            code = 0;
        }
        catch (TrainingInputException ex)
        {
            await stderr.WriteLineAsync($"flywheel-trainer train: {ex.Message}");
            summary = new TrainingSummary { Succeeded = false, Message = ex.Message };
            code = CommandDispatcher.UsageError;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await stderr.WriteLineAsync($"flywheel-trainer train: internal error: {ex.Message}");
            await stderr.WriteLineAsync(ex.ToString());
            summary = new TrainingSummary { Succeeded = false, Message = $"internal error: {ex.Message}" };
            code = InternalError;
        }

        try
        {
            await ArtifactWriter.WriteSummaryAsync(terminationLog, summary, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"flywheel-trainer train: cannot write the summary to {terminationLog}: {ex.Message}; set --termination-log");
        }

        return code;
    }
}
