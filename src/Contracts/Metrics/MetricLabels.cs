namespace Flywheel.Contracts.Metrics;

/// <summary>Label names and the reserved label values of the metric contract.</summary>
public static class MetricLabels
{
    public const string Namespace = "namespace";
    public const string Model = "model";
    public const string Version = "version";
    public const string Feature = "feature";
    public const string Class = "class";
    public const string Category = "category";
    public const string Bin = "bin";
    public const string Outcome = "outcome";
    public const string Provider = "provider";
    public const string Signal = "signal";
    public const string Method = "method";
    public const string Reason = "reason";
    public const string Phase = "phase";
    public const string Controller = "controller";
    public const string Result = "result";

    /// <summary>Category value for inputs outside the training vocabulary; keeps cardinality bounded.</summary>
    public const string UnknownCategory = "__unknown__";

    /// <summary>Category value for a missing (null or empty) input.</summary>
    public const string MissingCategory = "__missing__";

    /// <summary>The labels that identify one served model version.</summary>
    public static readonly IReadOnlyList<string> ModelIdentity = [Namespace, Model, Version];
}
