using Flywheel.Operator.Runtime.LeaderElection;

namespace Flywheel.Operator.Hosting;

/// <summary>
/// The operator's settings, bound from (last wins) a JSON config file (<c>--config</c>), environment variables
/// prefixed <c>FLYWHEEL_</c> (<c>FLYWHEEL_LeaderElection__Enabled=false</c>) and <c>--Key=value</c> arguments.
/// </summary>
public sealed class OperatorOptions
{
    /// <summary>Port of /healthz, /readyz and /metrics.</summary>
    public int Port { get; set; } = 8080;

    /// <summary>Namespaces to watch; empty watches all.</summary>
    public List<string> Namespaces { get; set; } = [];

    /// <summary>Concurrent reconciles per controller.</summary>
    public int Workers { get; set; } = 2;

    public LeaderElectionSettings LeaderElection { get; set; } = new();

    public ImageSettings Images { get; set; } = new();

    /// <summary>The PersistentVolumeClaim holding the model store.</summary>
    public string ModelStoreClaim { get; set; } = "flywheel-models";

    /// <summary>
    /// Prometheus base URL the retrain triggers query when a RetrainPolicy names none; empty means the
    /// triggers read the inference pods' monitoring summaries directly.
    /// </summary>
    public string PrometheusUrl { get; set; } = string.Empty;

    /// <summary>OTLP endpoint for traces; empty disables export.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>Kubeconfig to use outside a cluster; empty uses in-cluster config, then the default kubeconfig.</summary>
    public string? Kubeconfig { get; set; }

    /// <summary>Every problem with the settings, each naming the key and the fix; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Port is < 1 or > 65535)
        {
            errors.Add($"Port must be 1-65535, got {Port}; set FLYWHEEL_Port or --Port.");
        }

        if (Workers < 1)
        {
            errors.Add($"Workers must be at least 1, got {Workers}.");
        }

        foreach (var ns in Namespaces.Where(ns => !IsDnsLabel(ns)))
        {
            errors.Add($"Namespaces contains \"{ns}\", which is not a namespace name (lower-case letters, digits and '-', at most 63).");
        }

        if (LeaderElection.Enabled)
        {
            if (!IsDnsLabel(LeaderElection.LeaseNamespace))
            {
                errors.Add($"LeaderElection:LeaseNamespace \"{LeaderElection.LeaseNamespace}\" is not a namespace name; set it to the operator's namespace.");
            }

            if (string.IsNullOrWhiteSpace(LeaderElection.LeaseName))
            {
                errors.Add("LeaderElection:LeaseName is empty; set a Lease name such as flywheel-operator.");
            }

            if (LeaderElection.RenewDeadlineSeconds >= LeaderElection.LeaseDurationSeconds)
            {
                errors.Add($"LeaderElection:RenewDeadlineSeconds ({LeaderElection.RenewDeadlineSeconds}) must be less than LeaseDurationSeconds ({LeaderElection.LeaseDurationSeconds}).");
            }
        }

        if (PrometheusUrl.Length > 0 && (!Uri.TryCreate(PrometheusUrl, UriKind.Absolute, out var prometheus) || (prometheus.Scheme != "http" && prometheus.Scheme != "https")))
        {
            errors.Add($"PrometheusUrl \"{PrometheusUrl}\" is not an http(s) URL; set e.g. http://prometheus.monitoring:9090, or leave it empty to read the inference pods' summaries.");
        }

        if (!string.IsNullOrEmpty(OtlpEndpoint) && !Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out _))
        {
            errors.Add($"OtlpEndpoint \"{OtlpEndpoint}\" is not an absolute URL; set e.g. http://otel-collector:4317 or leave it empty.");
        }

        if (string.IsNullOrWhiteSpace(Images.Trainer) || string.IsNullOrWhiteSpace(Images.Inference))
        {
            errors.Add("Images:Trainer and Images:Inference must name container images.");
        }

        return errors;
    }

    public LeaderElectionOptions ToLeaderElectionOptions() => new()
    {
        Enabled = LeaderElection.Enabled,
        LeaseName = LeaderElection.LeaseName,
        LeaseNamespace = LeaderElection.LeaseNamespace,
        Identity = string.IsNullOrEmpty(LeaderElection.Identity) ? new LeaderElectionOptions().Identity : LeaderElection.Identity,
        LeaseDuration = TimeSpan.FromSeconds(LeaderElection.LeaseDurationSeconds),
        RenewDeadline = TimeSpan.FromSeconds(LeaderElection.RenewDeadlineSeconds),
        RetryPeriod = TimeSpan.FromSeconds(LeaderElection.RetryPeriodSeconds),
    };

    private static bool IsDnsLabel(string? value) =>
        !string.IsNullOrEmpty(value) && value.Length <= 63 && value.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-')
        && value[0] != '-' && value[^1] != '-';
}

public sealed class LeaderElectionSettings
{
    public bool Enabled { get; set; } = true;

    public string LeaseName { get; set; } = "flywheel-operator";

    public string LeaseNamespace { get; set; } = "flywheel-system";

    /// <summary>This replica's identity; defaults to the host name (the pod name) plus a random suffix.</summary>
    public string? Identity { get; set; }

    public double LeaseDurationSeconds { get; set; } = 15;

    public double RenewDeadlineSeconds { get; set; } = 10;

    public double RetryPeriodSeconds { get; set; } = 2;
}

public sealed class ImageSettings
{
    public string Trainer { get; set; } = "ghcr.io/flywheel/trainer:0.1.0";

    public string Inference { get; set; } = "ghcr.io/flywheel/inference:0.1.0";
}
