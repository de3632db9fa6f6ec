using System.Text.Json.Serialization;
using Flywheel.Operator.Api.Schema;
using k8s;
using k8s.Models;

namespace Flywheel.Operator.Api.V1Alpha1;

/// <summary>
/// A Model declares what to train (data, features, preprocessing, candidate algorithms and their
/// hyperparameter space, resources) and how to promote a trained version. Flywheel trains it through
/// TrainingRuns and records every version it produced in status.
/// </summary>
[KubernetesEntity(Group = FlywheelApi.Group, ApiVersion = FlywheelApi.Version, Kind = KubeKind, PluralName = "models")]
[ShortNames("mdl")]
[Categories(FlywheelApi.Category)]
[PrinterColumn(0, "Task", "string", ".spec.task", Description = "What the model predicts.")]
[PrinterColumn(1, "Latest", "string", ".status.latestVersion", Description = "The newest trained version.")]
[PrinterColumn(2, "Promoted", "string", ".status.promotedVersion", Description = "The version deployments follow.")]
[PrinterColumn(3, "Metric", "string", ".status.metric", Description = "The promotion metric of the promoted version.")]
[PrinterColumn(4, "Age", "date", ".metadata.creationTimestamp")]
public sealed class Model : IKubernetesObject<V1ObjectMeta>, ISpec<ModelSpec>, IStatus<ModelStatus>
{
    public const string KubeKind = "Model";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = FlywheelApi.GroupVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KubeKind;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    /// <summary>What to train and how to promote it.</summary>
    [JsonPropertyName("spec")]
    public ModelSpec Spec { get; set; } = new();

    /// <summary>Every version trained so far, the promoted one, and the model's conditions.</summary>
    [JsonPropertyName("status")]
    public ModelStatus Status { get; set; } = new();
}

/// <summary>The desired state of a Model.</summary>
[XValidation(
    "!has(self.promotion) || !has(self.promotion.metric) || ((self.task == 'regression') == (self.promotion.metric in ['rmse', 'mae', 'rSquared']))",
    "promotion.metric must fit the task: rmse, mae or rSquared for regression; auc, accuracy, f1, microAccuracy or macroAccuracy for classification",
    FieldPath = ".promotion.metric")]
[XValidation(
    "self.task != 'regression' || self.training.candidates.all(c, c.algorithm in ['fastTree', 'lightGbm', 'sdca', 'lbfgsPoisson', 'onlineGradientDescent'])",
    "regression models take the algorithms fastTree, lightGbm, sdca, lbfgsPoisson or onlineGradientDescent",
    FieldPath = ".training.candidates")]
[XValidation(
    "self.task == 'regression' || self.training.candidates.all(c, c.algorithm in ['fastTree', 'lightGbm', 'sdca', 'lbfgsLogisticRegression'])",
    "classification models take the algorithms fastTree, lightGbm, sdca or lbfgsLogisticRegression",
    FieldPath = ".training.candidates")]
public sealed class ModelSpec
{
    /// <summary>What the model predicts: binaryClassification, multiclassClassification or regression.</summary>
    [Required]
    public ModelTask Task { get; set; }

    /// <summary>Where the training data is and how to read it.</summary>
    [Required]
    public DataSpec Data { get; set; } = new();

    /// <summary>How raw columns become model inputs; the steps are exported inside the ONNX graph.</summary>
    public PreprocessingSpec? Preprocessing { get; set; }

    /// <summary>Candidate algorithms, the hyperparameter search over them, and the training Job's resources.</summary>
    [Required]
    public TrainingSpec Training { get; set; } = new();

    /// <summary>When a trained version replaces the promoted one.</summary>
    public PromotionSpec? Promotion { get; set; }

    /// <summary>How many versions to keep in status and in the model store; older non-promoted versions are retired.</summary>
    [Default(10)]
    [Minimum(1)]
    [Maximum(1000)]
    public int? VersionsToKeep { get; set; }
}

/// <summary>What a model predicts.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ModelTask>))]
public enum ModelTask
{
    [JsonStringEnumMemberName("binaryClassification")]
    BinaryClassification,

    [JsonStringEnumMemberName("multiclassClassification")]
    MulticlassClassification,

    [JsonStringEnumMemberName("regression")]
    Regression,
}
