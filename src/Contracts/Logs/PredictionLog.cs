using System.Text.Json;
using System.Text.Json.Serialization;

namespace Flywheel.Contracts.Logs;

/// <summary>
/// One line of a <c>predictions-*.jsonl</c> file the inference server writes under its log directory;
/// the trainer joins it with feedback by <see cref="Id"/> when a TrainingRun sets <c>includeFeedback</c>.
/// </summary>
public sealed record PredictionLogRecord
{
    /// <summary>The prediction id returned to the caller and used as the feedback key.</summary>
    public required string Id { get; init; }

    public required DateTimeOffset Timestamp { get; init; }

    public required string Model { get; init; }

    public required string Version { get; init; }

    /// <summary>The raw feature values the caller sent: numbers, strings or null.</summary>
    public required IReadOnlyDictionary<string, JsonElement> Features { get; init; }

    /// <summary>The predicted label (classification) or value (regression) as text.</summary>
    public required string Prediction { get; init; }

    /// <summary>Class probabilities keyed by label; absent for regression.</summary>
    public IReadOnlyDictionary<string, double>? Probabilities { get; init; }
}

/// <summary>
/// One line of a <c>feedback-*.jsonl</c> file: either a <see cref="Signal"/> (<c>positive</c> confirms the
/// prediction, <c>negative</c> rejects it) or a delayed true <see cref="Label"/>, which wins over both.
/// </summary>
public sealed record FeedbackLogRecord
{
    public const string Positive = "positive";

    public const string Negative = "negative";

    public required string Id { get; init; }

    public required DateTimeOffset Timestamp { get; init; }

    /// <summary><c>positive</c> or <c>negative</c>; null when <see cref="Label"/> is given.</summary>
    public string? Signal { get; init; }

    /// <summary>The true label as text; null for a thumbs up/down.</summary>
    public string? Label { get; init; }
}

/// <summary>File names and the JSON form of the prediction and feedback logs.</summary>
public static class PredictionLogFormat
{
    /// <summary>Glob of prediction log files in the log directory.</summary>
    public const string PredictionFilePattern = "predictions-*.jsonl";

    /// <summary>Glob of feedback log files in the log directory.</summary>
    public const string FeedbackFilePattern = "feedback-*.jsonl";

    /// <summary>camelCase, nulls omitted, one record per line (no indentation).</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = false,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string ToLine(PredictionLogRecord record) => JsonSerializer.Serialize(record, Options);

    public static string ToLine(FeedbackLogRecord record) => JsonSerializer.Serialize(record, Options);
}
