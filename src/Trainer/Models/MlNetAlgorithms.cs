using Flywheel.Contracts.Artifacts;
using Microsoft.ML;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace Flywheel.Trainer.Models;

/// <summary>
/// ML.NET trainers by spec name and task. Every trainer runs single-threaded with the trial's seed so that
/// a trial is reproducible; trials themselves run in parallel. LightGBM's categorical splits are off: the
/// converter exports them as nodes without a feature id, which ONNX Runtime refuses to load.
/// </summary>
internal static class MlNetAlgorithms
{
    private const string Label = "Label";
    private const string Features = "Features";

    private static readonly IReadOnlyDictionary<string, HyperparameterInfo> LinearParameters = new Dictionary<string, HyperparameterInfo>
    {
        ["l1Regularization"] = new(0, false, 0, 10),
        ["l2Regularization"] = new(1, false, 0, 10),
        ["maximumNumberOfIterations"] = new(100, true, 1, 10_000),
    };

    private static readonly IReadOnlyDictionary<string, HyperparameterInfo> SdcaParameters = new Dictionary<string, HyperparameterInfo>
    {
        ["l1Regularization"] = new(0, false, 0, 10),
        ["l2Regularization"] = new(0.01, false, 0, 10),
        ["maximumNumberOfIterations"] = new(20, true, 1, 10_000),
    };

    private static readonly IReadOnlyDictionary<string, HyperparameterInfo> FastTreeParameters = new Dictionary<string, HyperparameterInfo>
    {
        ["numberOfTrees"] = new(20, true, 1, 10_000),
        ["numberOfLeaves"] = new(20, true, 2, 1_000),
        ["minimumExampleCountPerLeaf"] = new(10, true, 1, 100_000),
        ["learningRate"] = new(0.2, false, 1e-6, 1),
    };

    private static readonly IReadOnlyDictionary<string, HyperparameterInfo> LightGbmParameters = new Dictionary<string, HyperparameterInfo>
    {
        ["numberOfIterations"] = new(20, true, 1, 10_000),
        ["numberOfLeaves"] = new(20, true, 2, 1_000),
        ["minimumExampleCountPerLeaf"] = new(10, true, 1, 100_000),
        ["learningRate"] = new(0.2, false, 1e-6, 1),
    };

    private static readonly IReadOnlyDictionary<string, HyperparameterInfo> OgdParameters = new Dictionary<string, HyperparameterInfo>
    {
        ["learningRate"] = new(0.1, false, 1e-6, 10),
        ["numberOfIterations"] = new(10, true, 1, 10_000),
        ["l2Regularization"] = new(0, false, 0, 10),
    };

    public static IReadOnlyList<AlgorithmInfo> For(ModelTask task) => task == ModelTask.Regression
        ?
        [
            new("sdca", true, SdcaParameters),
            new("lbfgsPoisson", true, LinearParameters),
            new("onlineGradientDescent", true, OgdParameters),
            new("fastTree", false, FastTreeParameters),
            new("lightGbm", false, LightGbmParameters),
        ]
        :
        [
            new("lbfgsLogisticRegression", true, LinearParameters),
            new("sdca", true, SdcaParameters),
            new("fastTree", false, FastTreeParameters),
            new("lightGbm", false, LightGbmParameters),
        ];

    public static IEstimator<ITransformer> Create(MLContext ml, ModelTask task, string algorithm, Func<string, double> p, int seed) =>
        (task, algorithm) switch
        {
            (ModelTask.BinaryClassification, "lbfgsLogisticRegression") => ml.BinaryClassification.Trainers.LbfgsLogisticRegression(
                new LbfgsLogisticRegressionBinaryTrainer.Options { LabelColumnName = Label, FeatureColumnName = Features, L1Regularization = (float)p("l1Regularization"), L2Regularization = (float)p("l2Regularization"), MaximumNumberOfIterations = (int)p("maximumNumberOfIterations"), NumberOfThreads = 1 }),
            (ModelTask.MulticlassClassification, "lbfgsLogisticRegression") => ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(
                new LbfgsMaximumEntropyMulticlassTrainer.Options { LabelColumnName = Label, FeatureColumnName = Features, L1Regularization = (float)p("l1Regularization"), L2Regularization = (float)p("l2Regularization"), MaximumNumberOfIterations = (int)p("maximumNumberOfIterations"), NumberOfThreads = 1 }),
            (ModelTask.BinaryClassification, "sdca") => ml.BinaryClassification.Trainers.SdcaLogisticRegression(
                new SdcaLogisticRegressionBinaryTrainer.Options { LabelColumnName = Label, FeatureColumnName = Features, L1Regularization = (float)p("l1Regularization"), L2Regularization = (float)p("l2Regularization"), MaximumNumberOfIterations = (int)p("maximumNumberOfIterations"), NumberOfThreads = 1 }),
            (ModelTask.MulticlassClassification, "sdca") => ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(
                new SdcaMaximumEntropyMulticlassTrainer.Options { LabelColumnName = Label, FeatureColumnName = Features, L1Regularization = (float)p("l1Regularization"), L2Regularization = (float)p("l2Regularization"), MaximumNumberOfIterations = (int)p("maximumNumberOfIterations"), NumberOfThreads = 1 }),
            (ModelTask.Regression, "sdca") => ml.Regression.Trainers.Sdca(
                new SdcaRegressionTrainer.Options { LabelColumnName = Label, FeatureColumnName = Features, L1Regularization = (float)p("l1Regularization"), L2Regularization = (float)p("l2Regularization"), MaximumNumberOfIterations = (int)p("maximumNumberOfIterations"), NumberOfThreads = 1 }),
            (ModelTask.Regression, "lbfgsPoisson") => ml.Regression.Trainers.LbfgsPoissonRegression(
                new LbfgsPoissonRegressionTrainer.Options { LabelColumnName = Label, FeatureColumnName = Features, L1Regularization = (float)p("l1Regularization"), L2Regularization = (float)p("l2Regularization"), MaximumNumberOfIterations = (int)p("maximumNumberOfIterations"), NumberOfThreads = 1 }),
            (ModelTask.Regression, "onlineGradientDescent") => ml.Regression.Trainers.OnlineGradientDescent(
                new OnlineGradientDescentTrainer.Options { LabelColumnName = Label, FeatureColumnName = Features, LearningRate = (float)p("learningRate"), NumberOfIterations = (int)p("numberOfIterations"), L2Regularization = (float)p("l2Regularization"), Shuffle = false }),
            (ModelTask.BinaryClassification, "fastTree") => ml.BinaryClassification.Trainers.FastTree(FastTreeBinary(p, seed)),
            (ModelTask.MulticlassClassification, "fastTree") => ml.MulticlassClassification.Trainers.OneVersusAll(
                ml.BinaryClassification.Trainers.FastTree(FastTreeBinary(p, seed)), labelColumnName: Label),
            (ModelTask.Regression, "fastTree") => ml.Regression.Trainers.FastTree(new FastTreeRegressionTrainer.Options
            {
                LabelColumnName = Label, FeatureColumnName = Features, NumberOfTrees = (int)p("numberOfTrees"), NumberOfLeaves = (int)p("numberOfLeaves"),
                MinimumExampleCountPerLeaf = (int)p("minimumExampleCountPerLeaf"), LearningRate = p("learningRate"), NumberOfThreads = 1, Seed = seed,
            }),
            (ModelTask.BinaryClassification, "lightGbm") => ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
            {
                LabelColumnName = Label, FeatureColumnName = Features, NumberOfIterations = (int)p("numberOfIterations"), NumberOfLeaves = (int)p("numberOfLeaves"),
                MinimumExampleCountPerLeaf = (int)p("minimumExampleCountPerLeaf"), LearningRate = p("learningRate"), NumberOfThreads = 1, Seed = seed, Silent = true, UseCategoricalSplit = false,
            }),
            (ModelTask.MulticlassClassification, "lightGbm") => ml.MulticlassClassification.Trainers.LightGbm(new LightGbmMulticlassTrainer.Options
            {
                LabelColumnName = Label, FeatureColumnName = Features, NumberOfIterations = (int)p("numberOfIterations"), NumberOfLeaves = (int)p("numberOfLeaves"),
                MinimumExampleCountPerLeaf = (int)p("minimumExampleCountPerLeaf"), LearningRate = p("learningRate"), NumberOfThreads = 1, Seed = seed, Silent = true, UseCategoricalSplit = false,
            }),
            (ModelTask.Regression, "lightGbm") => ml.Regression.Trainers.LightGbm(new LightGbmRegressionTrainer.Options
            {
                LabelColumnName = Label, FeatureColumnName = Features, NumberOfIterations = (int)p("numberOfIterations"), NumberOfLeaves = (int)p("numberOfLeaves"),
                MinimumExampleCountPerLeaf = (int)p("minimumExampleCountPerLeaf"), LearningRate = p("learningRate"), NumberOfThreads = 1, Seed = seed, Silent = true, UseCategoricalSplit = false,
            }),
            _ => throw new ArgumentException($"algorithm {algorithm} does not support {task}", nameof(algorithm)),
        };

    private static FastTreeBinaryTrainer.Options FastTreeBinary(Func<string, double> p, int seed) => new()
    {
        LabelColumnName = Label,
        FeatureColumnName = Features,
        NumberOfTrees = (int)p("numberOfTrees"),
        NumberOfLeaves = (int)p("numberOfLeaves"),
        MinimumExampleCountPerLeaf = (int)p("minimumExampleCountPerLeaf"),
        LearningRate = p("learningRate"),
        NumberOfThreads = 1,
        Seed = seed,
    };
}
