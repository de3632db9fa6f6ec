using System.Text;

namespace Flywheel.Trainer.Data;

/// <summary>Reads RFC 4180 CSV (header row, optional quotes, commas) into a <see cref="TableBuilder"/>.</summary>
internal static class CsvSource
{
    public static void Read(string path, TableBuilder builder)
    {
        var name = Path.GetFileName(path);
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        var fields = new List<string?>();
        var lineNumber = 0;
        if (!ReadRecord(reader, fields, ref lineNumber) || (fields.Count == 1 && string.IsNullOrWhiteSpace(fields[0])))
        {
            throw new TrainingInputException($"{name} is empty: expected a header row and at least one data row; check data.source");
        }

        var header = fields.Select(f => f?.Trim() ?? "").ToList();
        var indexes = SourceColumns.Resolve(builder.Requests, header, name);
        var cells = new string?[indexes.Length];
        var all = new Range[header.Count + 1];
        var requested = new Range[indexes.Length];
        var rowsBefore = builder.RowCount;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (!line.Contains('"', StringComparison.Ordinal))
            {
                // The common case: no quotes, so fields are the spans between commas.
                var count = line.AsSpan().Split(all, ',');
                if (count == 1 && line.Length == 0)
                {
                    continue; // blank line
                }

                if (count != header.Count)
                {
                    throw new TrainingInputException(
                        $"{name}, row {name}:{lineNumber}: has {(count > header.Count ? "more than " + header.Count : count)} fields but the header has {header.Count}; fix the row's quoting or commas");
                }

                for (var i = 0; i < indexes.Length; i++)
                {
                    requested[i] = all[indexes[i]];
                }

                builder.AddFields(line, requested, name, lineNumber);
                continue;
            }

            ReadQuoted(reader, line, fields, ref lineNumber);
            if (fields.Count == 1 && string.IsNullOrEmpty(fields[0]))
            {
                continue; // blank line
            }

            if (fields.Count != header.Count)
            {
                throw new TrainingInputException(
                    $"{name}, row {name}:{lineNumber}: has {fields.Count} fields but the header has {header.Count}; fix the row's quoting or commas");
            }

            for (var i = 0; i < indexes.Length; i++)
            {
                cells[i] = fields[indexes[i]];
            }

            builder.AddText(cells, name, lineNumber);
        }

        if (builder.RowCount == rowsBefore)
        {
            throw new TrainingInputException($"{name} has a header but no data rows; add rows or point data.source at the right file");
        }
    }

    /// <summary>Reads one record, which may span lines inside quotes; false at end of file.</summary>
    private static bool ReadRecord(StreamReader reader, List<string?> fields, ref int lineNumber)
    {
        fields.Clear();
        var line = reader.ReadLine();
        if (line is null)
        {
            return false;
        }

        lineNumber++;
        if (!line.Contains('"', StringComparison.Ordinal))
        {
            foreach (var part in line.Split(','))
            {
                fields.Add(part);
            }

            return true;
        }

        ReadQuoted(reader, line, fields, ref lineNumber);
        return true;
    }

    /// <summary>Splits a record with quotes, which may continue on the next lines.</summary>
    private static void ReadQuoted(StreamReader reader, string line, List<string?> fields, ref int lineNumber)
    {
        fields.Clear();
        var field = new StringBuilder();
        var quoted = false;
        var i = 0;
        while (true)
        {
            if (i == line.Length)
            {
                if (!quoted)
                {
                    fields.Add(field.ToString());
                    return;
                }

                // A quoted field continues on the next line.
                var next = reader.ReadLine();
                if (next is null)
                {
                    fields.Add(field.ToString());
                    return;
                }

                lineNumber++;
                field.Append('\n');
                line = next;
                i = 0;
                continue;
            }

            var c = line[i++];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i < line.Length && line[i] == '"')
                    {
                        field.Append('"');
                        i++;
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }
    }
}
