using System.Text.Json;

namespace Flywheel.Trainer.Data;

/// <summary>Reads JSON Lines: one object per line, values numbers, strings, booleans or null.</summary>
internal static class JsonlSource
{
    public static void Read(string path, TableBuilder builder)
    {
        var name = Path.GetFileName(path);
        var before = builder.RowCount;
        var lineNumber = 0;
        var cells = new object?[builder.Requests.Count];
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(line);
            }
            catch (JsonException ex)
            {
                throw new TrainingInputException($"{name}, row {name}:{lineNumber}: not valid JSON ({ex.Message}); fix the line");
            }

            using (document)
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new TrainingInputException($"{name}, row {name}:{lineNumber}: expected a JSON object per line, got {document.RootElement.ValueKind}");
                }

                for (var i = 0; i < cells.Length; i++)
                {
                    cells[i] = document.RootElement.TryGetProperty(builder.Requests[i].Name, out var value)
                        ? ToValue(value)
                        : null;
                }

                if (builder.RowCount == before)
                {
                    RequireColumns(builder, document.RootElement, name);
                }

                builder.AddValues(cells, name, lineNumber);
            }
        }

        if (builder.RowCount == before)
        {
            throw new TrainingInputException($"{name} is empty: expected one JSON object per line; check data.source");
        }
    }

    public static object? ToValue(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => value.GetDouble(),
        JsonValueKind.String => value.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => value.GetRawText(),
    };

    /// <summary>The first row decides whether a requested column exists at all (later rows may omit it as missing).</summary>
    private static void RequireColumns(TableBuilder builder, JsonElement first, string name)
    {
        var present = first.EnumerateObject().Select(p => p.Name).ToList();
        foreach (var request in builder.Requests)
        {
            if (!present.Contains(request.Name, StringComparer.Ordinal))
            {
                throw new TrainingInputException(SourceColumns.Missing(request, present, name));
            }
        }
    }
}
