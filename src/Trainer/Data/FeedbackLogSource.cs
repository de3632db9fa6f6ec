using System.Text.Json;
using Flywheel.Contracts.Artifacts;
using Flywheel.Contracts.Logs;

namespace Flywheel.Trainer.Data;

/// <summary>What joining the inference server's logs produced.</summary>
internal sealed record FeedbackJoinReport(int Predictions, int Feedback, int Rows, int LabelsFromFeedback, int Confirmed, int Flipped, int Dropped);

/// <summary>
/// Joins <c>predictions-*.jsonl</c> with <c>feedback-*.jsonl</c> by prediction id into labelled rows: a feedback
/// label wins; otherwise the latest signal decides (positive confirms the prediction; negative flips a binary
/// prediction and drops any other). Predictions without feedback are not training rows.
/// </summary>
internal static class FeedbackLogSource
{
    public static FeedbackJoinReport Read(string directory, TableBuilder builder, string labelColumn, ModelTask task, IReadOnlyList<string> binaryClasses)
    {
        var predictions = new Dictionary<string, (PredictionLogRecord Record, (string File, int Line) Origin)>(StringComparer.Ordinal);
        foreach (var (line, origin) in Lines(directory, PredictionLogFormat.PredictionFilePattern))
        {
            var record = Parse<PredictionLogRecord>(line, origin);
            predictions[record.Id] = (record, origin);
        }

        var feedback = new Dictionary<string, FeedbackLogRecord>(StringComparer.Ordinal);
        var labels = new Dictionary<string, FeedbackLogRecord>(StringComparer.Ordinal);
        var feedbackCount = 0;
        foreach (var (line, origin) in Lines(directory, PredictionLogFormat.FeedbackFilePattern))
        {
            var record = Parse<FeedbackLogRecord>(line, origin);
            feedbackCount++;
            var target = record.Label is not null ? labels : feedback;
            if (record.Label is null && record.Signal is not (FeedbackLogRecord.Positive or FeedbackLogRecord.Negative))
            {
                throw new TrainingInputException($"row {origin.File}:{origin.Line}: feedback needs \"label\" or \"signal\": \"positive\"|\"negative\", got signal \"{record.Signal}\"; fix the feedback log");
            }

            if (!target.TryGetValue(record.Id, out var previous) || previous.Timestamp <= record.Timestamp)
            {
                target[record.Id] = record;
            }
        }

        int rows = 0, fromLabels = 0, confirmed = 0, flipped = 0, dropped = 0;
        var cells = new object?[builder.Requests.Count];
        foreach (var (id, (prediction, origin)) in predictions.OrderBy(p => p.Value.Origin.File, StringComparer.Ordinal).ThenBy(p => p.Value.Origin.Line))
        {
            string? label;
            if (labels.TryGetValue(id, out var truth))
            {
                label = truth.Label;
                fromLabels++;
            }
            else if (feedback.TryGetValue(id, out var signal))
            {
                if (signal.Signal == FeedbackLogRecord.Positive)
                {
                    label = prediction.Prediction;
                    confirmed++;
                }
                else if (task == ModelTask.BinaryClassification && binaryClasses.Count == 2 && binaryClasses.Contains(prediction.Prediction))
                {
                    label = binaryClasses[0] == prediction.Prediction ? binaryClasses[1] : binaryClasses[0];
                    flipped++;
                }
                else
                {
                    dropped++;
                    continue;
                }
            }
            else
            {
                continue;
            }

            for (var i = 0; i < cells.Length; i++)
            {
                var request = builder.Requests[i];
                cells[i] = request.Name == labelColumn
                    ? label
                    : prediction.Features.TryGetValue(request.Name, out var value) ? JsonlSource.ToValue(value) : null;
            }

            builder.AddValues(cells, origin.File, origin.Line);
            rows++;
        }

        return new FeedbackJoinReport(predictions.Count, feedbackCount, rows, fromLabels, confirmed, flipped, dropped);
    }

    public static IEnumerable<string> Files(string directory) =>
        Directory.Exists(directory)
            ? Directory.GetFiles(directory, PredictionLogFormat.PredictionFilePattern)
                .Concat(Directory.GetFiles(directory, PredictionLogFormat.FeedbackFilePattern))
                .Order(StringComparer.Ordinal)
            : [];

    private static IEnumerable<(string Line, (string File, int Line) Origin)> Lines(string directory, string pattern)
    {
        foreach (var file in Directory.GetFiles(directory, pattern).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(file);
            var number = 0;
            foreach (var line in File.ReadLines(file))
            {
                number++;
                if (!string.IsNullOrWhiteSpace(line))
                {
                    yield return (line, (name, number));
                }
            }
        }
    }

    private static T Parse<T>(string line, (string File, int Line) at)
    {
        var origin = $"{at.File}:{at.Line}";
        try
        {
            return JsonSerializer.Deserialize<T>(line, PredictionLogFormat.Options)
                ?? throw new TrainingInputException($"row {origin}: null record; remove the line");
        }
        catch (JsonException ex)
        {
            throw new TrainingInputException($"row {origin}: not a valid {typeof(T).Name} ({ex.Message}); fix or remove the line");
        }
    }
}
