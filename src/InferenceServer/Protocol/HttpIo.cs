using System.Buffers;
using System.Text.Json;

namespace Flywheel.InferenceServer.Protocol;

/// <summary>Reading request bodies within limits and writing JSON responses straight to the response pipe.</summary>
internal static class HttpIo
{
    public const string Json = "application/json";

    /// <summary>The writers are driven by this code only, whose structure the tests check; skip re-validating it per token.</summary>
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true };

    /// <summary>415 unless the body is JSON (a missing Content-Type is taken as JSON).</summary>
    public static void RequireJson(HttpRequest request)
    {
        var type = request.ContentType;
        if (type is not null && !type.StartsWith(Json, StringComparison.OrdinalIgnoreCase))
        {
            throw new ProtocolException(StatusCodes.Status415UnsupportedMediaType, $"Content-Type \"{type}\" is not supported; send the body as {Json}");
        }
    }

    /// <summary>Reads the whole body into a pooled buffer; 413 past <paramref name="maxBytes"/>. Return the buffer to the pool.</summary>
    public static async Task<(byte[] Buffer, int Length)> ReadBodyAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            throw TooLarge(maxBytes);
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)(request.ContentLength ?? 16 * 1024) + 1);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length > maxBytes)
                {
                    throw TooLarge(maxBytes);
                }
            }

            return (buffer, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>Builds the body in a pooled buffer, then sends it with its Content-Length in one write.</summary>
    public static void WriteJson(HttpResponse response, int status, Action<Utf8JsonWriter> write)
    {
        response.StatusCode = status;
        response.ContentType = Json;
        using var buffer = new PooledBufferWriter(4096);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }

        response.ContentLength = buffer.WrittenCount;
        var body = response.BodyWriter;
        var span = body.GetSpan(buffer.WrittenCount);
        buffer.WrittenSpan.CopyTo(span);
        body.Advance(buffer.WrittenCount);
    }

    public static void WriteError(HttpResponse response, int status, string message) =>
        WriteJson(response, status, w => ResponseWriter.WriteError(w, message));

    private static ProtocolException TooLarge(int maxBytes) =>
        new(StatusCodes.Status413PayloadTooLarge, $"the body is larger than {maxBytes} bytes; split the batch into smaller requests");
}
