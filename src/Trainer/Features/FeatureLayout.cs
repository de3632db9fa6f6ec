using Flywheel.Contracts.Artifacts;

namespace Flywheel.Trainer.Features;

/// <summary>One input feature as the trainer sees it.</summary>
internal sealed record FeatureInfo(string Name, FeatureType Type)
{
    public bool IsNumeric => Type == FeatureType.Numeric;
}
