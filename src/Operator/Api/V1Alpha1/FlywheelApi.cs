namespace Flywheel.Operator.Api.V1Alpha1;

/// <summary>The API group and version of Flywheel's custom resources, and the kinds it serves.</summary>
public static class FlywheelApi
{
    public const string Group = "flywheel.dev";

    public const string Version = "v1alpha1";

    public const string GroupVersion = Group + "/" + Version;

    /// <summary>The category every kind joins, so that <c>kubectl get flywheel</c> lists them all.</summary>
    public const string Category = "flywheel";

    /// <summary>Every kind, in the order the CRD generator writes them.</summary>
    public static IReadOnlyList<Type> Kinds { get; } =
        [typeof(Model), typeof(TrainingRun), typeof(ModelDeployment), typeof(RetrainPolicy)];
}

/// <summary>Regular expressions shared by several fields.</summary>
internal static class ApiPatterns
{
    /// <summary>A Kubernetes object name (RFC 1123 subdomain).</summary>
    public const string ObjectName = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

    /// <summary>A duration in Go notation, as Kubernetes users write it: <c>30s</c>, <c>5m</c>, <c>1h30m</c>.</summary>
    public const string Duration = "^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$";

    /// <summary>A model version <c>MAJOR.MINOR</c>.</summary>
    public const string Version = Flywheel.Contracts.Versioning.ModelVersion.Pattern;

    /// <summary>A column or feature name as it appears in the data.</summary>
    public const string ColumnName = "^[A-Za-z_][A-Za-z0-9_.-]*$";
}
