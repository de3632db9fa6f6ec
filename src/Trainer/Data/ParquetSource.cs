using Parquet;
using Parquet.Schema;

namespace Flywheel.Trainer.Data;

/// <summary>Reads the requested columns of a Parquet file, row group by row group.</summary>
internal static class ParquetSource
{
    public static async Task ReadAsync(string path, TableBuilder builder, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(path);
        if (new FileInfo(path).Length == 0)
        {
            throw new TrainingInputException($"{name} is empty: expected a Parquet file with at least one row; check data.source");
        }

        ParquetReader reader;
        try
        {
            reader = await ParquetReader.CreateAsync(path, cancellationToken: cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or ParquetException or InvalidDataException)
        {
            throw new TrainingInputException($"{name} is not a readable Parquet file ({ex.Message}); fix data.format or the file");
        }

        await using (reader)
        {
            var fields = reader.Schema.GetDataFields();
            var indexes = SourceColumns.Resolve(builder.Requests, [.. fields.Select(f => f.Name)], name);
            var selected = indexes.Select(i => fields[i]).ToArray();
            var rowBase = 0L;
            var before = builder.RowCount;
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                var count = checked((int)group.RowCount);
                var columns = new object?[selected.Length][];
                for (var c = 0; c < selected.Length; c++)
                {
                    columns[c] = await ReadColumnAsync(group, selected[c], count, name, cancellationToken);
                }

                var cells = new object?[selected.Length];
                for (var r = 0; r < count; r++)
                {
                    for (var c = 0; c < selected.Length; c++)
                    {
                        cells[c] = columns[c][r];
                    }

                    builder.AddValues(cells, name, checked((int)(rowBase + r + 1)));
                }

                rowBase += count;
            }

            if (builder.RowCount == before)
            {
                throw new TrainingInputException($"{name} has no rows; add rows or point data.source at the right file");
            }
        }
    }

    /// <summary>One column as boxed values: double for numbers, string, bool, or null.</summary>
    private static async Task<object?[]> ReadColumnAsync(ParquetRowGroupReader group, DataField field, int count, string file, CancellationToken cancellationToken)
    {
        var type = Nullable.GetUnderlyingType(field.ClrType) ?? field.ClrType;
        if (type == typeof(string) || type == typeof(ReadOnlyMemory<char>))
        {
            var values = new string?[count];
            await group.ReadAsync(field, values.AsMemory(), null, cancellationToken);
            return values;
        }

        return type switch
        {
            _ when type == typeof(double) => await ReadNumbersAsync<double>(group, field, count, v => v, cancellationToken),
            _ when type == typeof(float) => await ReadNumbersAsync<float>(group, field, count, v => v, cancellationToken),
            _ when type == typeof(int) => await ReadNumbersAsync<int>(group, field, count, v => v, cancellationToken),
            _ when type == typeof(long) => await ReadNumbersAsync<long>(group, field, count, v => v, cancellationToken),
            _ when type == typeof(short) => await ReadNumbersAsync<short>(group, field, count, v => v, cancellationToken),
            _ when type == typeof(decimal) => await ReadNumbersAsync<decimal>(group, field, count, v => (double)v, cancellationToken),
            _ when type == typeof(bool) => await ReadBoolsAsync(group, field, count, cancellationToken),
            _ => throw new TrainingInputException(
                $"column '{field.Name}' of {file} has Parquet type {type.Name}, which the trainer does not read; store it as a number, string or boolean"),
        };
    }

    private static async Task<object?[]> ReadNumbersAsync<T>(ParquetRowGroupReader group, DataField field, int count, Func<T, double> convert, CancellationToken cancellationToken)
        where T : struct
    {
        var values = new T?[count];
        await group.ReadAsync(field, values.AsMemory(), null, cancellationToken);
        return [.. values.Select(v => v.HasValue ? (object?)convert(v.Value) : null)];
    }

    private static async Task<object?[]> ReadBoolsAsync(ParquetRowGroupReader group, DataField field, int count, CancellationToken cancellationToken)
    {
        var values = new bool?[count];
        await group.ReadAsync(field, values.AsMemory(), null, cancellationToken);
        return [.. values.Select(v => (object?)v)];
    }
}
