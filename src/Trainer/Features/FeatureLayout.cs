using Flywheel.Contracts.Artifacts;

namespace Flywheel.Trainer.Features;

/// <summary>One model feature: an input the caller sends, or (<see cref="Derived"/>) one the graph computes.</summary>
internal sealed record FeatureInfo(string Name, FeatureType Type, bool Derived = false)
{
    public bool IsNumeric => Type == FeatureType.Numeric;
}
