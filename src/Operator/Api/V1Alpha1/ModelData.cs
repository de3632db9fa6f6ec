using System.Text.Json.Serialization;
using Flywheel.Operator.Api.Schema;

namespace Flywheel.Operator.Api.V1Alpha1;

/// <summary>Where training data lives and which column is the label.</summary>
public sealed class DataSpec
{
    /// <summary>
    /// URI of the data: file:///path (a path the trainer can read), pvc://claim/path (a file on a
    /// PersistentVolumeClaim in the model's namespace), s3://bucket/key or https://host/path.
    /// A folder or prefix reads every file in it.
    /// </summary>
    [Required]
    [Length(1, 2048)]
    [XValidation("self.matches('^(file|pvc|s3|https)://.+')", "source must be a URI with a known scheme: file://, pvc://claim/path, s3://bucket/key or https://")]
    public string Source { get; set; } = string.Empty;

    /// <summary>File format: csv (with a header row), parquet or jsonl (one JSON object per line).</summary>
    [Default(DataFormat.Csv)]
    public DataFormat? Format { get; set; }

    /// <summary>The column the model learns to predict.</summary>
    [Required]
    [Length(1, 256)]
    [Pattern(ApiPatterns.ColumnName)]
    public string LabelColumn { get; set; } = string.Empty;

    /// <summary>
    /// The input columns and their types. When empty, every column except the label is used and
    /// the type is inferred (numbers are numeric, anything else categorical).
    /// </summary>
    [ListMap("name")]
    [Items(0, 2000)]
    public List<FeatureSpec>? Features { get; set; }

    /// <summary>Add labelled rows collected through the inference feedback endpoint to the training data.</summary>
    [Default(false)]
    public bool? IncludeFeedback { get; set; }

    /// <summary>
    /// A Secret in the model's namespace with credentials for the source, given to the training Job: for s3://,
    /// accessKeyId and secretAccessKey (plus sessionToken for temporary credentials, and region, default
    /// us-east-1) sign the reads; for https://, token is sent as a bearer token.
    /// </summary>
    public ObjectReference? CredentialsSecretRef { get; set; }
}

/// <summary>An input column and how the model treats it.</summary>
public sealed class FeatureSpec
{
    /// <summary>Column name as it appears in the data.</summary>
    [Required]
    [Length(1, 256)]
    [Pattern(ApiPatterns.ColumnName)]
    public string Name { get; set; } = string.Empty;

    /// <summary>numeric (a number) or categorical (one of a set of values, encoded by preprocessing.categoricalEncoding).</summary>
    [Required]
    public FeatureType Type { get; set; }
}

/// <summary>Training data file format.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DataFormat>))]
public enum DataFormat
{
    [JsonStringEnumMemberName("csv")]
    Csv,

    [JsonStringEnumMemberName("parquet")]
    Parquet,

    [JsonStringEnumMemberName("jsonl")]
    Jsonl,
}

/// <summary>How a feature is treated.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FeatureType>))]
public enum FeatureType
{
    [JsonStringEnumMemberName("numeric")]
    Numeric,

    [JsonStringEnumMemberName("categorical")]
    Categorical,
}

/// <summary>How raw columns become model inputs.</summary>
public sealed class PreprocessingSpec
{
    /// <summary>Rows with missing values: drop them, or fill numeric gaps with the mean (imputeMean) or every gap with the most frequent value (imputeMode).</summary>
    [Default(MissingValues.ImputeMean)]
    public MissingValues? Missing { get; set; }

    /// <summary>Categorical features become one column per category (oneHot) or one integer code (label).</summary>
    [Default(V1Alpha1.CategoricalEncoding.OneHot)]
    public CategoricalEncoding? CategoricalEncoding { get; set; }

    /// <summary>Numeric scaling: standard (zero mean, unit variance), minMax (to [0,1]) or none.</summary>
    [Default(V1Alpha1.Scaling.MinMax)]
    public Scaling? Scaling { get; set; }

    /// <summary>Extra numeric features computed from other columns before training and at inference.</summary>
    [ListMap("name")]
    [Items(0, 100)]
    public List<DerivedFeature>? Derived { get; set; }
}

/// <summary>A feature computed from other columns.</summary>
public sealed class DerivedFeature
{
    /// <summary>Name of the new feature; must not clash with a column in the data.</summary>
    [Required]
    [Length(1, 256)]
    [Pattern(ApiPatterns.ColumnName)]
    public string Name { get; set; } = string.Empty;

    /// <summary>Arithmetic over numeric columns with + - * / and parentheses, log(x) and sqrt(x); for example <c>totalCharges / (tenure + 1)</c>.</summary>
    [Required]
    [Length(1, 1024)]
    public string Expression { get; set; } = string.Empty;
}

/// <summary>Missing-value handling.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MissingValues>))]
public enum MissingValues
{
    [JsonStringEnumMemberName("drop")]
    Drop,

    [JsonStringEnumMemberName("imputeMean")]
    ImputeMean,

    [JsonStringEnumMemberName("imputeMode")]
    ImputeMode,
}

/// <summary>Encoding of categorical features.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CategoricalEncoding>))]
public enum CategoricalEncoding
{
    [JsonStringEnumMemberName("oneHot")]
    OneHot,

    [JsonStringEnumMemberName("label")]
    Label,
}

/// <summary>Scaling of numeric features.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Scaling>))]
public enum Scaling
{
    [JsonStringEnumMemberName("standard")]
    Standard,

    [JsonStringEnumMemberName("minMax")]
    MinMax,

    [JsonStringEnumMemberName("none")]
    None,
}
