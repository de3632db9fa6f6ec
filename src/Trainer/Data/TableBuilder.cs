using System.Globalization;

namespace Flywheel.Trainer.Data;

/// <summary>
/// Accumulates rows of the requested columns from any reader, parsing numbers as they arrive so that a
/// bad cell is reported with its column and row.
/// </summary>
internal sealed class TableBuilder
{
    private readonly IReadOnlyList<ColumnRequest> _requests;
    private readonly List<double>[] _numbers;
    private readonly List<string?>[] _texts;
    private readonly RowOriginsBuilder _origins = new();
    private readonly Dictionary<string, string> _interned = new(StringComparer.Ordinal);

    public TableBuilder(IReadOnlyList<ColumnRequest> requests)
    {
        _requests = requests;
        _numbers = [.. requests.Select(r => r.Numeric ? new List<double>() : null!)];
        _texts = [.. requests.Select(r => r.Numeric ? null! : new List<string?>())];
    }

    public IReadOnlyList<ColumnRequest> Requests => _requests;

    public int RowCount => _origins.Count;

    /// <summary>Adds one row; <paramref name="cells"/> follow <see cref="Requests"/>; null or empty is missing.</summary>
    public void AddText(ReadOnlySpan<string?> cells, string file, int line)
    {
        var origin = new Origin(file, line);
        for (var i = 0; i < _requests.Count; i++)
        {
            var cell = cells[i];
            if (_requests[i].Numeric)
            {
                _numbers[i].Add(ParseNumber(cell, _requests[i], origin));
            }
            else
            {
                _texts[i].Add(IsMissingText(cell) ? null : Intern(cell!));
            }
        }

        _origins.Add(file, line);
    }

    /// <summary>
    /// Adds one row from a line and the ranges of the requested fields in it (aligned with <see cref="Requests"/>),
    /// parsing numbers and looking up categories without allocating a string per cell.
    /// </summary>
    public void AddFields(ReadOnlySpan<char> line, ReadOnlySpan<Range> fields, string file, int lineNumber)
    {
        var lookup = _interned.GetAlternateLookup<ReadOnlySpan<char>>();
        for (var i = 0; i < _requests.Count; i++)
        {
            var cell = line[fields[i]];
            var missing = cell.IsEmpty || cell is "NA" or "null" or "NULL" or "NaN";
            if (_requests[i].Numeric)
            {
                if (missing)
                {
                    _numbers[i].Add(double.NaN);
                }
                else if (double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
                {
                    _numbers[i].Add(value);
                }
                else
                {
                    _numbers[i].Add(ParseNumber(cell.ToString(), _requests[i], new Origin(file, lineNumber)));
                }
            }
            else if (missing)
            {
                _texts[i].Add(null);
            }
            else
            {
                _texts[i].Add(lookup.TryGetValue(cell, out var known) ? known : Intern(cell.ToString()));
            }
        }

        _origins.Add(file, lineNumber);
    }

    /// <summary>Adds one row of already-typed values (Parquet, JSON): double, string, bool or null.</summary>
    public void AddValues(ReadOnlySpan<object?> cells, string file, int line)
    {
        var origin = new Origin(file, line);
        for (var i = 0; i < _requests.Count; i++)
        {
            var cell = cells[i];
            if (_requests[i].Numeric)
            {
                _numbers[i].Add(cell switch
                {
                    null => double.NaN,
                    double d => d,
                    bool b => b ? 1 : 0,
                    string s => ParseNumber(s, _requests[i], origin),
                    _ => ParseNumber(Convert.ToString(cell, CultureInfo.InvariantCulture), _requests[i], origin),
                });
            }
            else
            {
                var text = cell switch
                {
                    null => null,
                    string s => s,
                    bool b => b ? "true" : "false",
                    double d => d.ToString("R", CultureInfo.InvariantCulture),
                    _ => Convert.ToString(cell, CultureInfo.InvariantCulture),
                };
                _texts[i].Add(IsMissingText(text) ? null : Intern(text!));
            }
        }

        _origins.Add(file, line);
    }

    public DataTable Build()
    {
        var columns = new List<DataColumn>();
        for (var i = 0; i < _requests.Count; i++)
        {
            columns.Add(_requests[i].Numeric
                ? new NumericColumn(_requests[i].Name, [.. _numbers[i]])
                : new TextColumn(_requests[i].Name, [.. _texts[i]]));
        }

        return new DataTable(columns, _origins.Build());
    }

    internal static bool IsMissingText(string? cell) =>
        cell is null || cell.Length == 0 || cell is "NA" or "null" or "NULL" or "NaN";

    private static double ParseNumber(string? cell, ColumnRequest request, Origin origin)
    {
        if (IsMissingText(cell))
        {
            return double.NaN;
        }

        if (double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
        {
            return value;
        }

        var fix = request.Role == "label"
            ? "fix the value, or use a classification task for a text label"
            : $"fix the value, or declare '{request.Name}' as type categorical in data.features";
        throw new TrainingInputException(
            $"column '{request.Name}', row {origin}: expected a number, got \"{Truncate(cell!)}\"; {fix}");
    }

    private string Intern(string value)
    {
        if (_interned.TryGetValue(value, out var existing))
        {
            return existing;
        }

        // Bounded: high-cardinality columns would otherwise make the table a copy of every cell.
        if (_interned.Count < 100_000)
        {
            _interned[value] = value;
        }

        return value;
    }

    /// <summary>A row's origin, formatted only when an error needs it.</summary>
    private readonly record struct Origin(string File, int Line)
    {
        public override string ToString() => $"{File}:{Line}";
    }

    internal static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
