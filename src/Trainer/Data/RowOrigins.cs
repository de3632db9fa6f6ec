namespace Flywheel.Trainer.Data;

/// <summary>
/// Where each row came from, as <c>file:line</c> on demand: a file index and a line per row rather than a
/// string per row, which would cost more memory than the data itself on large inputs.
/// </summary>
internal sealed class RowOrigins
{
    private readonly IReadOnlyList<string> _files;
    private readonly int[] _file;
    private readonly int[] _line;

    public RowOrigins(IReadOnlyList<string> files, int[] file, int[] line)
    {
        _files = files;
        _file = file;
        _line = line;
    }

    public int Length => _file.Length;

    /// <summary>The row's origin, e.g. <c>data.csv:17</c>.</summary>
    public string this[int row] => _line[row] == 0 ? _files[_file[row]] : $"{_files[_file[row]]}:{_line[row]}";

    /// <summary>Origins that are plain labels, one per row (for rows made in code).</summary>
    public static RowOrigins Of(params string[] labels) =>
        new(labels, [.. Enumerable.Range(0, labels.Length)], new int[labels.Length]);

    public RowOrigins Select(IReadOnlyList<int> rows)
    {
        var file = new int[rows.Count];
        var line = new int[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            file[i] = _file[rows[i]];
            line[i] = _line[rows[i]];
        }

        return new RowOrigins(_files, file, line);
    }
}

/// <summary>Collects row origins while loading.</summary>
internal sealed class RowOriginsBuilder
{
    private readonly List<string> _files = [];
    private readonly List<int> _file = [];
    private readonly List<int> _line = [];

    public int Count => _file.Count;

    public void Add(string file, int line)
    {
        if (_files.Count == 0 || _files[^1] != file)
        {
            var index = _files.IndexOf(file);
            if (index < 0 || index != _files.Count - 1)
            {
                _files.Add(file);
            }
        }

        _file.Add(_files.Count - 1);
        _line.Add(line);
    }

    public RowOrigins Build() => new([.. _files], [.. _file], [.. _line]);
}
