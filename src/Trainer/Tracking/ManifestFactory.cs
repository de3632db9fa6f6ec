using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Flywheel.Contracts.Artifacts;
using Flywheel.Trainer.Data;
using Flywheel.Trainer.Features;
using Flywheel.Trainer.Search;

namespace Flywheel.Trainer.Tracking;

/// <summary>Everything the manifest is made from, gathered by the run.</summary>
internal sealed record ManifestInputs(
    ValidSpec Spec,
    DateTimeOffset CreatedAt,
    string DataDigest,
    byte[] Onnx,
    IReadOnlyList<OnnxInput> Inputs,
    OnnxOutputs Outputs,
    DataTable Training,
    LabelSet Label,
    CleaningReport Cleaning,
    Baseline Baseline,
    IReadOnlyList<TrialResult> Results,
    TrialResult Winner,
    string Reason,
    IReadOnlyDictionary<string, double> Importance,
    TrainingDataRecord TrainingData);

/// <summary>Builds <c>manifest.json</c> (see <see cref="ModelManifest"/>) from a finished run.</summary>
internal static class ManifestFactory
{
    public static string CodeVersion { get; } =
        "flywheel-trainer " + (typeof(ManifestFactory).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0");

    /// <summary>sha256 over the feature names, types and order, the label column and the task.</summary>
    public static string SchemaHash(IReadOnlyList<FeatureInfo> features, string labelColumn, ModelTask task)
    {
        var text = new StringBuilder();
        foreach (var feature in features)
        {
            text.Append(feature.Name).Append(':').Append(feature.IsNumeric ? "numeric" : "categorical").Append('\n');
        }

        text.Append("label:").Append(labelColumn).Append('\n').Append("task:").Append(task).Append('\n');
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    public static ModelManifest Create(ManifestInputs inputs)
    {
        var spec = inputs.Spec;
        var winner = inputs.Winner;
        return new ModelManifest
        {
            Model = spec.Model,
            Task = spec.Task,
            CreatedAt = inputs.CreatedAt,
            TrainingRun = spec.Spec.TrainingRun,
            CodeVersion = CodeVersion,
            Seed = spec.Spec.Training.Seed,
            DataDigest = inputs.DataDigest,
            SchemaHash = SchemaHash(spec.Features, spec.LabelColumn, spec.Task),
            Onnx = new OnnxGraph { Sha256 = ArtifactWriter.Sha256Hex(inputs.Onnx), Inputs = inputs.Inputs, Outputs = inputs.Outputs },
            Features = [.. spec.Features.Select(f => Feature(f, inputs.Training, inputs.Cleaning))],
            Label = new LabelSchema { Column = spec.LabelColumn, Classes = inputs.Label.Classes, PositiveClass = inputs.Label.PositiveClass },
            Preprocessing = new PreprocessingRecord
            {
                Missing = spec.Spec.Preprocessing.Missing,
                CategoricalEncoding = spec.Spec.Preprocessing.CategoricalEncoding,
                Scaling = spec.Spec.Preprocessing.Scaling,
                Derived = [.. spec.Derived.Select(d => new DerivedFeature(d.Name, d.Text))],
            },
            Baseline = inputs.Baseline,
            Metrics = winner.Metrics,
            Selection = new Selection
            {
                Algorithm = winner.Trial.Algorithm.Name,
                Hyperparameters = winner.Trial.Algorithm.Describe(winner.Trial.Parameters),
                Metric = spec.Metric,
                HigherIsBetter = Models.MetricCalculator.HigherIsBetter(spec.Metric),
                Value = winner.Metrics[spec.Metric],
                Reason = inputs.Reason,
            },
            Candidates = [.. spec.Candidates.Select(c => c.Algorithm.Name).Distinct().Select(name => new CandidateRecord(
                name,
                [.. inputs.Results.Where(r => r.Trial.Algorithm.Name == name).Select(r => new TrialRecord
                {
                    Parameters = r.Trial.Algorithm.Describe(r.Trial.Parameters),
                    Metrics = r.Metrics,
                    TrainingSeconds = r.TrainingSeconds,
                    OnnxLatencyMicroseconds = r.OnnxLatencyMicroseconds,
                })]))],
            FeatureImportance = inputs.Importance,
            TrainingData = inputs.TrainingData,
        };
    }

    private static FeatureSchema Feature(FeatureInfo feature, DataTable training, CleaningReport cleaning)
    {
        var impute = cleaning.ImputeValues.GetValueOrDefault(feature.Name);
        if (feature.IsNumeric)
        {
            var values = ((NumericColumn)training[feature.Name]).Values;
            return new FeatureSchema { Name = feature.Name, Type = FeatureType.Numeric, Range = new NumericRange(values.Min(), values.Max()), ImputeValue = impute };
        }

        return new FeatureSchema { Name = feature.Name, Type = FeatureType.Categorical, Vocabulary = Vocabulary.Of(training[feature.Name]), ImputeValue = impute };
    }
}
