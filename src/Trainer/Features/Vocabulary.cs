using Flywheel.Trainer.Data;

namespace Flywheel.Trainer.Features;

/// <summary>A categorical feature's training vocabulary, in ordinal order (the order the encoders use).</summary>
internal static class Vocabulary
{
    public static IReadOnlyList<string> Of(DataColumn column) =>
        [.. ((TextColumn)column).Values.Where(v => v is not null).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)!];
}
