namespace Flywheel.Operator.Local;

/// <summary>How <c>flywheel-operator local</c> runs: where it keeps its state and what it starts.</summary>
internal sealed record LocalModeOptions
{
    /// <summary>The API server's loopback port; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>Where the kubeconfig, the node's volumes (model store, data) and logs go.</summary>
    public string DataDirectory { get; init; } = ".flywheel";

    /// <summary>Prometheus the retrain triggers query; empty reads the inference pods' summaries.</summary>
    public string PrometheusUrl { get; init; } = string.Empty;

    /// <summary>Run the churn demo, then stop.</summary>
    public bool Demo { get; init; }

    /// <summary>Build configuration of the trainer and inference server the node runs.</summary>
    public string Configuration { get; init; } = "Release";

    /// <summary>Run the operator inside this process; false leaves it to the caller (a separate process, say).</summary>
    public bool StartOperator { get; init; } = true;

    /// <summary>The repository whose built programs play the container images.</summary>
    public required string RepositoryRoot { get; init; }
}
