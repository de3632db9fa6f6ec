namespace Flywheel.Trainer.Data;

/// <summary>A column the spec needs from the data, and what the spec calls it (for error messages).</summary>
internal sealed record ColumnRequest(string Name, bool Numeric, string Role)
{
    /// <summary>The spec field that names this column, for "fix" hints.</summary>
    public string SpecField => Role == "label" ? "data.labelColumn" : "data.features";
}
