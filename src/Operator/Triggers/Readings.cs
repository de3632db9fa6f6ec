namespace Flywheel.Operator.Triggers;

/// <summary>One measured value and how many samples it rests on; a null value says why in the message.</summary>
public sealed record Reading(double? Value, long Samples, string? Message = null)
{
    public static Reading Missing(string message) => new(null, 0, message);
}

/// <summary>What the metric triggers of one policy saw, from Prometheus or from the pods' monitoring summaries.</summary>
public sealed record TriggerReadings
{
    public Reading? InputDrift { get; init; }

    public Reading? PredictionDrift { get; init; }

    public Reading? UnknownCategories { get; init; }

    public Reading? Accuracy { get; init; }

    /// <summary>Thumbs-down share of thumbs feedback.</summary>
    public Reading? NegativeFeedback { get; init; }

    /// <summary>Custom PromQL triggers by name.</summary>
    public IReadOnlyDictionary<string, Reading> Custom { get; init; } = new Dictionary<string, Reading>();

    /// <summary>Set when the source could not be read at all (Prometheus unreachable, no pods): the triggers wait.</summary>
    public string? SourceError { get; init; }
}
