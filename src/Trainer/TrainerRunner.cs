using System.Globalization;
using Flywheel.Contracts.Artifacts;
using Flywheel.Contracts.Training;
using Flywheel.Trainer.Data;
using Flywheel.Trainer.Export;
using Flywheel.Trainer.Features;
using Flywheel.Trainer.Models;
using Flywheel.Trainer.Search;
using Flywheel.Trainer.Tracking;

namespace Flywheel.Trainer;

/// <summary>How a run behaves beyond its spec.</summary>
public sealed record TrainerOptions
{
    /// <summary>Where <c>pvc://claim/path</c> resolves: <c>&lt;DataRoot&gt;/claim/path</c>.</summary>
    public string DataRoot { get; init; } = DataLocator.DefaultDataRoot;

    /// <summary>Step and trial log; nothing is written when null.</summary>
    public TextWriter? Log { get; init; }

    /// <summary>Draw a progress bar over the trials (for a terminal).</summary>
    public bool ProgressBar { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Measure each trial's single-row ONNX Runtime latency (a few hundred runs per trial).</summary>
    public bool MeasureLatency { get; init; } = true;

    /// <summary>Endpoint, region and credentials for s3:// and https:// sources; by default from the environment.</summary>
    public DataAccess Access { get; init; } = DataAccess.FromEnvironment();
}

/// <summary>What a successful run wrote.</summary>
public sealed record TrainingResult(string VersionDirectory, ModelManifest Manifest, TrainingSummary Summary);

/// <summary>
/// The trainer as a library: spec in, version directory (<c>model.onnx</c> + <c>manifest.json</c>) out. Other
/// components' tests call it to build real models. Bad data or spec throws <see cref="TrainingInputException"/>.
/// </summary>
public static class TrainerRunner
{
    /// <summary>Trains and writes <c>&lt;output&gt;/&lt;namespace&gt;/&lt;model&gt;/&lt;version&gt;/</c>, or <paramref name="output"/> itself when it already ends in those three names.</summary>
    public static async Task<TrainingResult> RunAsync(TrainingSpec spec, string output, TrainerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new TrainerOptions();
        var log = new StepLog(options.Log ?? TextWriter.Null, options.ProgressBar);
        var backend = new MlNetBackend();
        var valid = log.Step("spec", () => SpecValidator.Validate(spec, backend), v =>
            $"{v.Model.Namespace}/{v.Model.Name} {v.Model.Version}, {spec.Task}, {v.Features.Count} features, {v.Candidates.Count} candidates");
        var scratch = Path.Combine(Path.GetTempPath(), "flywheel-trainer-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            var locator = new DataLocator(options.DataRoot, scratch, options.Access, options.Time);
            var versionDirectory = VersionDirectory(await locator.ToLocalPathAsync(output, "--output", cancellationToken), valid.Model);
            ArtifactWriter.EnsureAbsent(versionDirectory);
            return await TrainAsync(valid, locator, versionDirectory, options, log, backend, cancellationToken);
        }
        finally
        {
            if (Directory.Exists(scratch))
            {
                Directory.Delete(scratch, recursive: true);
            }
        }
    }

    /// <summary>The version directory for an output that is either the store root or the version directory itself.</summary>
    public static string VersionDirectory(string output, ModelIdentity model)
    {
        var full = Path.GetFullPath(output).TrimEnd(Path.DirectorySeparatorChar);
        var version = Path.GetFileName(full);
        var name = Path.GetFileName(Path.GetDirectoryName(full));
        var ns = Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(full)));
        return version == model.Version && name == model.Name && ns == model.Namespace
            ? full
            : Path.Combine(full, model.Namespace, model.Name, model.Version);
    }

    private static async Task<TrainingResult> TrainAsync(
        ValidSpec valid, DataLocator locator, string versionDirectory, TrainerOptions options, StepLog log, ICandidateBackend backend, CancellationToken cancellationToken)
    {
        var spec = valid.Spec;
        var seed = spec.Training.Seed;
        var loaded = await log.StepAsync("load", () => DataLoader.LoadAsync(valid, locator, cancellationToken), d =>
            $"{d.Table.RowCount} rows from {d.Files.Count} file(s){(d.Feedback is { } f ? $" ({f.Rows} from feedback: {f.LabelsFromFeedback} labelled, {f.Confirmed} confirmed, {f.Flipped} flipped, {f.Dropped} dropped)" : "")}, digest {d.Digest}");
        var (clean, cleaning) = log.Step("clean", () => Cleaner.Clean(loaded.Table, valid.Features, valid.LabelColumn, spec.Preprocessing.Missing), r =>
            $"{r.Report.RowsDropped} of {r.Report.RowsIn} rows dropped ({r.Report.LabelsMissing} without a label), {r.Report.Filled.Values.Sum()} cells filled ({spec.Preprocessing.Missing})");
        ConflictReport? conflicts = null;
        if (valid.Task != ModelTask.Regression)
        {
            (clean, conflicts) = log.Step("label conflicts", () => LabelConflicts.Resolve(clean, valid.Features, valid.LabelColumn, spec.Training.LabelConflicts.Policy, spec.Training.LabelConflicts.MaxRate), r =>
                $"{r.Report.Rows} rows in {r.Report.Groups} conflicting groups ({LabelConflicts.Percent(r.Report.Rate)}), policy {r.Report.Policy}: {r.Report.Relabelled} relabelled, {r.Report.Dropped} dropped{(r.Report.Examples.Count > 0 ? "; e.g. " + r.Report.Examples[0] : "")}");
        }

        clean = DerivedColumns.Add(clean, valid.Derived);
        var label = LabelSet.Create(clean, valid.LabelColumn, valid.Task);
        RequireNonNegativeForPoisson(valid, label, clean);
        var splits = Splitter.Create(label, valid.LabelColumn, spec.Training.Validation.HoldoutFraction, spec.Training.Validation.Folds, seed);
        var preprocessing = new FeaturePreprocessing(spec.Preprocessing.CategoricalEncoding, spec.Preprocessing.Scaling);
        TrainingRows Rows(int[] rows) => new(clean.Select(rows), label.Select(rows), valid.ModelFeatures, preprocessing) { Derived = valid.Derived };
        var prepared = log.Step("transform", () => splits.Select(s => (backend.Prepare(Rows(s.Train)), Rows(s.Test))).ToList(), p =>
            $"{preprocessing.CategoricalEncoding} encoding, {preprocessing.Scaling} scaling, {(splits.Count == 1 ? $"holdout {p[0].Item2.Table.RowCount} of {label.Count} rows" : $"{splits.Count} folds")}");

        var trials = TrialPlan.Create(valid.Candidates, spec.Training.Search, spec.Training.MaxTrials, seed);
        log.Line($"search: {trials.Count} trials ({spec.Training.Search}), {spec.Training.Parallelism} at a time, objective {valid.Metric}");
        var results = await log.StepAsync("train", () => new TrialRunner(backend, prepared, log, options.MeasureLatency).RunAsync(trials, spec.Training.Parallelism, seed, cancellationToken), r =>
            $"{r.Count} trials");
        var (winner, reason) = Selector.Select(results, valid.Metric, spec.Promotion.PreferSimplerWithin);
        log.Line($"select: {reason}");

        ITrainedModel model;
        TrainingRows evaluation;
        DataTable training;
        if (splits.Count == 1)
        {
            model = winner.Model!;
            evaluation = prepared[0].Item2;
            training = prepared[0].Item1.Rows.Table;
        }
        else
        {
            // k-fold: the chosen configuration is refit on every row; parity and baselines use all rows.
            evaluation = Rows([.. Enumerable.Range(0, label.Count)]);
            model = log.Step("refit", () => backend.Train(backend.Prepare(evaluation), winner.Trial.Algorithm, winner.Trial.Parameters, seed), _ => $"{winner.Trial.Algorithm.Name} on {label.Count} rows");
            training = evaluation.Table;
        }

        var onnx = log.Step("export", model.ExportOnnx, b => $"{b.Length} bytes of ONNX");
        using var scorer = new OnnxScorer(onnx, valid.ModelFeatures, label);
        var inputs = GraphInputs(scorer, valid.Features);
        var predictions = log.Step("parity", () =>
        {
            var onnxPredictions = scorer.Score(evaluation.Table);
            var worst = ParityCheck.Verify(model.Predict(evaluation.Table), onnxPredictions, evaluation.Table);
            return (onnxPredictions, worst);
        }, p => $"ONNX Runtime matches ML.NET on {evaluation.Table.RowCount} rows (largest difference {p.worst:G3})").onnxPredictions;
        var baseline = BaselineBuilder.Build(training, valid.Features, label, predictions);
        var importance = log.Step("importance", () => PermutationImportance.Compute(scorer, evaluation.Table, evaluation.Label, valid.Features, valid.Metric, seed), i =>
            string.Join(", ", i.OrderByDescending(p => p.Value).Select(p => $"{p.Key} {p.Value.ToString("0.####", CultureInfo.InvariantCulture)}")));

        var manifest = ManifestFactory.Create(new ManifestInputs(
            valid, options.Time.GetUtcNow(), loaded.Digest, onnx, inputs, scorer.Outputs, training, label, cleaning, baseline, results, winner, reason, importance,
            DataRecord(loaded, cleaning, conflicts, clean.RowCount, splits.Count == 1 ? $"holdout {spec.Training.Validation.HoldoutFraction ?? 0.2}" : $"{splits.Count}-fold")));
        await log.StepAsync("write", async () =>
        {
            await ArtifactWriter.WriteAsync(versionDirectory, onnx, manifest, cancellationToken);
            return versionDirectory;
        }, d => $"{d} (model.onnx sha256 {manifest.Onnx.Sha256})");

        var summary = new TrainingSummary
        {
            Succeeded = true,
            VersionDirectory = string.Join('/', valid.Model.Namespace, valid.Model.Name, valid.Model.Version),
            Sha256 = manifest.Onnx.Sha256,
            SchemaHash = manifest.SchemaHash,
            DataDigest = manifest.DataDigest,
            Algorithm = manifest.Selection.Algorithm,
            Metrics = manifest.Metrics,
            Trials = results.Count,
        };
        return new TrainingResult(versionDirectory, manifest, summary);
    }

    private static void RequireNonNegativeForPoisson(ValidSpec valid, LabelSet label, DataTable table)
    {
        if (valid.Candidates.All(c => c.Algorithm.Name != "lbfgsPoisson"))
        {
            return;
        }

        var row = Array.FindIndex(label.Values, v => v < 0);
        if (row >= 0)
        {
            throw new TrainingInputException(
                $"column '{valid.LabelColumn}', row {table.Origins[row]}: lbfgsPoisson needs non-negative labels, got {label.Values[row].ToString(CultureInfo.InvariantCulture)}; remove lbfgsPoisson from training.candidates or shift the label");
        }
    }

    /// <summary>The graph's inputs must be exactly the features: no label, nothing the server cannot feed.</summary>
    private static IReadOnlyList<OnnxInput> GraphInputs(OnnxScorer scorer, IReadOnlyList<FeatureInfo> features)
    {
        var inputs = scorer.Inputs;
        var names = features.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        if (inputs.Count != features.Count || inputs.Any(i => !names.Contains(i.Name)))
        {
            throw new InvalidOperationException(
                $"the exported graph takes inputs [{string.Join(", ", inputs.Select(i => i.Name))}] but the features are [{string.Join(", ", names)}]");
        }

        return [.. features.Select(f => new OnnxInput { Name = f.Name, ElementType = inputs.First(i => i.Name == f.Name).ElementType, Feature = f.Name })];
    }

    private static TrainingDataRecord DataRecord(LoadedData loaded, CleaningReport cleaning, ConflictReport? conflicts, int rowsUsed, string validation) => new()
    {
        Sources = [.. loaded.Files.Select(Path.GetFileName)!],
        RowsLoaded = loaded.Table.RowCount,
        RowsUsed = rowsUsed,
        RowsDropped = cleaning.RowsDropped + (conflicts?.Dropped ?? 0),
        CellsFilled = cleaning.Filled.ToDictionary(p => p.Key, p => (long)p.Value, StringComparer.Ordinal),
        FeedbackRows = loaded.Feedback?.Rows ?? 0,
        Validation = validation,
        LabelConflicts = conflicts is null ? null : new LabelConflictRecord
        {
            Groups = conflicts.Groups,
            Rows = conflicts.Rows,
            Rate = Math.Round(conflicts.Rate, 6),
            Policy = conflicts.Policy,
            Relabelled = conflicts.Relabelled,
            Dropped = conflicts.Dropped,
            Examples = conflicts.Examples,
        },
    };
}
