using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Flywheel.InferenceServer.Pipeline;

namespace Flywheel.InferenceServer.Monitoring;

/// <summary>
/// Appends prediction and feedback records (the shape of <c>Flywheel.Contracts.Logs</c>) as JSONL under the
/// log directory, one file per replica per hour. Request threads only format lines; one background loop
/// writes them and flushes whenever it has caught up, and <see cref="DisposeAsync"/> drains everything, so a
/// graceful stop loses nothing.
/// </summary>
internal sealed class PredictionLogWriter : IAsyncDisposable
{
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true };
    private readonly string _directory;
    private readonly string _replica;
    private readonly TimeProvider _time;
    private readonly Channel<LogChunk> _channel;
    private readonly Task _loop;
    private readonly Dictionary<string, FileStream> _open = new(StringComparer.Ordinal);

    public PredictionLogWriter(string directory, string replica, TimeProvider time)
    {
        Directory.CreateDirectory(directory);
        _directory = directory;
        _replica = string.Concat(replica.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
        _time = time;
        // Bounded so that a slow disk pushes back on requests instead of growing memory.
        _channel = Channel.CreateBounded<LogChunk>(new BoundedChannelOptions(4096) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _loop = Task.Run(WriteLoopAsync);
    }

    /// <summary>Queues one line per row of the batch.</summary>
    public ValueTask WritePredictionsAsync(ModelSchema schema, string model, string version, FeatureBatch batch, PredictionBatch predictions)
    {
        var now = _time.GetUtcNow();
        var buffer = new ArrayBufferWriter<byte>(batch.Rows * 256);
        using var writer = new Utf8JsonWriter(buffer, WriterOptions);
        Span<byte> id = stackalloc byte[PredictionIds.MaxLength];
        for (var r = 0; r < batch.Rows; r++)
        {
            writer.WriteStartObject();
            writer.WriteString("id"u8, id[..predictions.FormatId(r, id)]);
            writer.WriteString("timestamp", now);
            writer.WriteString("model", model);
            writer.WriteString("version", version);
            writer.WriteStartObject("features");
            foreach (var feature in schema.Features)
            {
                if (feature.IsNumeric)
                {
                    var value = batch.Numeric[feature.Index]![r];
                    if (double.IsNaN(value))
                    {
                        writer.WriteNull(feature.Name);
                    }
                    else
                    {
                        writer.WriteNumber(feature.Name, value);
                    }
                }
                else if (batch.Text[feature.Index]![r] is { } text)
                {
                    writer.WriteString(feature.Name, text);
                }
                else
                {
                    writer.WriteNull(feature.Name);
                }
            }

            writer.WriteEndObject();
            if (schema.IsClassification)
            {
                writer.WriteString("prediction", schema.Classes[predictions.ClassIndex[r]]);
                writer.WriteStartObject("probabilities");
                for (var c = 0; c < schema.Classes.Length; c++)
                {
                    writer.WriteNumber(schema.Classes[c], predictions.Probabilities[(r * predictions.ClassCount) + c]);
                }

                writer.WriteEndObject();
            }
            else
            {
                writer.WriteString("prediction", predictions.Values[r].ToString("R", CultureInfo.InvariantCulture));
            }

            writer.WriteEndObject();
            writer.Flush();
            buffer.Write("\n"u8);
            writer.Reset(buffer);
        }

        writer.Flush();
        return _channel.Writer.WriteAsync(new LogChunk("predictions", now, buffer.WrittenMemory));
    }

    public ValueTask WriteFeedbackAsync(string id, string? signal, string? label)
    {
        var now = _time.GetUtcNow();
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("id", id);
            writer.WriteString("timestamp", now);
            if (label is not null)
            {
                writer.WriteString("label", label);
            }
            else
            {
                writer.WriteString("signal", signal);
            }

            writer.WriteEndObject();
        }

        buffer.Write("\n"u8);
        return _channel.Writer.WriteAsync(new LogChunk("feedback", now, buffer.WrittenMemory));
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await _loop;
    }

    private async Task WriteLoopAsync()
    {
        var reader = _channel.Reader;
        try
        {
            while (await reader.WaitToReadAsync())
            {
                while (reader.TryRead(out var chunk))
                {
                    var name = $"{chunk.Kind}-{_replica}-{chunk.Timestamp.UtcDateTime.ToString("yyyyMMddHH", CultureInfo.InvariantCulture)}.jsonl";
                    if (!_open.TryGetValue(name, out var stream))
                    {
                        // An hour has turned: close the previous file of this kind.
                        foreach (var key in _open.Keys.Where(k => k.StartsWith(chunk.Kind + "-", StringComparison.Ordinal)).ToList())
                        {
                            await _open[key].DisposeAsync();
                            _open.Remove(key);
                        }

                        stream = new FileStream(Path.Combine(_directory, name), FileMode.Append, FileAccess.Write, FileShare.Read, 64 * 1024);
                        _open[name] = stream;
                    }

                    await stream.WriteAsync(chunk.Lines);
                }

                foreach (var stream in _open.Values)
                {
                    await stream.FlushAsync();
                }
            }
        }
        finally
        {
            foreach (var stream in _open.Values)
            {
                await stream.DisposeAsync();
            }

            _open.Clear();
        }
    }

    private readonly record struct LogChunk(string Kind, DateTimeOffset Timestamp, ReadOnlyMemory<byte> Lines);
}
