using Flywheel.Trainer.Models;
using Microsoft.ML;
using Microsoft.ML.Transforms;

namespace Flywheel.Trainer.Features;

/// <summary>
/// The preprocessing estimators, all of which ML.NET exports into the ONNX graph: numeric features
/// concatenated and scaled, categoricals one-hot or label (key index) encoded, then one <c>Features</c> vector.
/// An unseen category maps to the all-zero one-hot vector (label encoding: index 0) — the unknown slot.
/// </summary>
internal static class FeaturePipeline
{
    public const string OneHot = "oneHot";
    public const string LabelEncoding = "label";
    public const string Standard = "standard";
    public const string MinMax = "minMax";
    public const string NoScaling = "none";
    public const string FeaturesColumn = "Features";

    public static IEstimator<ITransformer> Build(MLContext ml, IReadOnlyList<FeatureInfo> features, FeaturePreprocessing preprocessing, Func<string, IReadOnlyList<string>> vocabularies)
    {
        var steps = new List<IEstimator<ITransformer>>();
        var parts = new List<string>();
        var numeric = features.Where(f => f.IsNumeric).Select(f => f.Name).ToArray();
        if (numeric.Length > 0)
        {
            steps.Add(ml.Transforms.Concatenate("__numeric", numeric));
            switch (preprocessing.Scaling)
            {
                case Standard:
                    steps.Add(ml.Transforms.NormalizeMeanVariance("__numeric_scaled", "__numeric", fixZero: false));
                    parts.Add("__numeric_scaled");
                    break;
                case MinMax:
                    steps.Add(ml.Transforms.NormalizeMinMax("__numeric_scaled", "__numeric", fixZero: false));
                    parts.Add("__numeric_scaled");
                    break;
                default:
                    parts.Add("__numeric");
                    break;
            }
        }

        foreach (var feature in features.Where(f => !f.IsNumeric))
        {
            if (preprocessing.CategoricalEncoding == LabelEncoding)
            {
                // Codes 1..n in vocabulary order; an unseen value gets 0.
                var vocabulary = vocabularies(feature.Name);
                var codes = vocabulary.Select((v, i) => new KeyValuePair<ReadOnlyMemory<char>, float>(v.AsMemory(), i + 1));
                steps.Add(ml.Transforms.Conversion.MapValue(feature.Name + "__code", codes, feature.Name));
                parts.Add(feature.Name + "__code");
            }
            else
            {
                steps.Add(ml.Transforms.Categorical.OneHotEncoding(
                    feature.Name + "__onehot", feature.Name, OneHotEncodingEstimator.OutputKind.Indicator, keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue));
                parts.Add(feature.Name + "__onehot");
            }
        }

        steps.Add(ml.Transforms.Concatenate(FeaturesColumn, [.. parts]));
        var pipeline = steps[0];
        foreach (var step in steps.Skip(1))
        {
            pipeline = pipeline.Append(step);
        }

        return pipeline;
    }
}
