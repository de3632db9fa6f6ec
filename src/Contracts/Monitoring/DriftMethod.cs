using System.Text.Json.Serialization;

namespace Flywheel.Contracts.Monitoring;

/// <summary>How drift between a window's binned counts and the training baseline is measured.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DriftMethod>))]
public enum DriftMethod
{
    /// <summary>Population stability index: Σ (p−q)·ln(p/q); 0.1 is a moderate and 0.25 a large shift.</summary>
    [JsonStringEnumMemberName("psi")]
    Psi,

    /// <summary>Jensen–Shannon divergence in bits, between 0 and 1.</summary>
    [JsonStringEnumMemberName("jensenShannon")]
    JensenShannon,

    /// <summary>Wasserstein-1 over bin positions, scaled to 0..1 (for categories: total variation distance).</summary>
    [JsonStringEnumMemberName("wasserstein")]
    Wasserstein,
}
