namespace Flywheel.Contracts.Metrics;

/// <summary>One metric of the contract: its name, type, help text and label names, in order.</summary>
public sealed record MetricDescriptor(string Name, MetricType Type, string Help, IReadOnlyList<string> Labels)
{
    /// <summary>The label names as an array, the form prometheus-net's factories take.</summary>
    public string[] LabelNames => [.. Labels];
}
