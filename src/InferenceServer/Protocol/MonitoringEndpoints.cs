using System.Text.Json;
using Flywheel.InferenceServer.Hosting;

namespace Flywheel.InferenceServer.Protocol;

/// <summary>
/// <c>POST /v2/models/{name}/feedback</c> (thumbs or a true label, keyed by prediction id) and
/// <c>GET /v2/models/{name}/monitoring</c> (the window summary the operator reads).
/// </summary>
internal sealed class MonitoringEndpoints(ServerState state)
{
    private static readonly JsonSerializerOptions SummaryJson = new(JsonSerializerDefaults.Web);

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v2/models/{name}/feedback", FeedbackAsync);
        routes.MapGet("/v2/models/{name}/monitoring", Summary);
    }

    private Task Summary(HttpContext context)
    {
        if (!NameMatches(context))
        {
            return Task.CompletedTask;
        }

        if (state.Models.Current?.Monitor is not { } monitor)
        {
            HttpIo.WriteError(context.Response, 404, "monitoring is off on this server (--monitoring off); start it with --monitoring on");
            return Task.CompletedTask;
        }

        var summary = monitor.Summary(state.Options.Replica, state.Time.GetUtcNow());
        HttpIo.WriteJson(context.Response, 200, w => JsonSerializer.Serialize(w, summary, SummaryJson));
        return Task.CompletedTask;
    }

    private async Task FeedbackAsync(HttpContext context)
    {
        if (!NameMatches(context))
        {
            return;
        }

        byte[]? buffer = null;
        try
        {
            HttpIo.RequireJson(context.Request);
            (buffer, var length) = await HttpIo.ReadBodyAsync(context.Request, 64 * 1024, context.RequestAborted);
            var (id, signal, label) = ReadFeedback(buffer.AsSpan(0, length));
            if (!state.Predictions.IdStore.TryGet(id, out var prediction))
            {
                throw new ProtocolException(404, $"prediction id '{id}' is unknown: it was not made by this replica, or is older than the last {state.Predictions.IdStore.Capacity} predictions{(state.Options.Monitoring ? string.Empty : " (monitoring is off)")}");
            }

            var schema = prediction.Monitor.Schema;
            if (label is not null && schema.IsClassification && Array.IndexOf(schema.Classes, label) < 0)
            {
                throw ProtocolException.BadRequest($"\"label\" \"{label}\" is not a class of this model; classes are {string.Join(", ", schema.Classes)}");
            }

            var kind = prediction.Monitor.AddFeedback(signal, label, prediction.Class);
            if (state.Log is { } log)
            {
                await log.WriteFeedbackAsync(id, signal, label);
            }

            HttpIo.WriteJson(context.Response, 200, w =>
            {
                w.WriteStartObject();
                w.WriteString("id", id);
                w.WriteString("version", prediction.Monitor.Version);
                w.WriteString("recorded", kind switch
                {
                    Monitoring.FeedbackKind.Positive => "positive",
                    Monitoring.FeedbackKind.Negative => "negative",
                    Monitoring.FeedbackKind.Correct => "correct",
                    _ => "wrong",
                });
                w.WriteEndObject();
            });
        }
        catch (ProtocolException ex)
        {
            HttpIo.WriteError(context.Response, ex.Status, ex.Message);
        }
        finally
        {
            if (buffer is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static (string Id, string? Signal, string? Label) ReadFeedback(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        string? id = null, signal = null, label = null;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw ProtocolException.BadRequest("the body must be a JSON object: {\"id\":\"…\",\"signal\":\"positive\"|\"negative\"} or {\"id\":\"…\",\"label\":\"…\"}");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var field = reader.GetString()!;
                reader.Read();
                if (field is "id" or "signal" or "label")
                {
                    var value = reader.TokenType == JsonTokenType.String ? reader.GetString()
                        : throw ProtocolException.BadRequest($"\"{field}\" must be a string, got {TensorData.Describe(ref reader)}");
                    _ = field switch { "id" => id = value, "signal" => signal = value, _ => label = value };
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException ex)
        {
            throw ProtocolException.BadRequest($"the body is not valid JSON: {ex.Message}");
        }

        if (string.IsNullOrEmpty(id))
        {
            throw ProtocolException.BadRequest("\"id\" is missing; send the prediction id the inference response returned");
        }

        if ((signal is null) == (label is null))
        {
            throw ProtocolException.BadRequest("send exactly one of \"signal\" (positive or negative) and \"label\" (the true label)");
        }

        if (signal is not null and not ("positive" or "negative"))
        {
            throw ProtocolException.BadRequest($"\"signal\" is \"{signal}\"; use \"positive\" or \"negative\"");
        }

        return (id, signal, label);
    }

    private bool NameMatches(HttpContext context)
    {
        var name = (string)context.Request.RouteValues["name"]!;
        if (name == state.Options.ModelName)
        {
            return true;
        }

        HttpIo.WriteError(context.Response, 404, $"model '{name}' is not served here; this server serves '{state.Options.ModelName}'");
        return false;
    }
}
