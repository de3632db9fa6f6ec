using System.Globalization;
using System.Text.Json.Nodes;
using Flywheel.ApiServer.Protobuf;
using Flywheel.ApiServer.Semantics;
using Flywheel.ApiServer.Storage;

namespace Flywheel.ApiServer.Http;

/// <summary>Request parsing and response writing.</summary>
internal sealed partial class ApiHandler
{
    private static async Task WriteAsync(HttpContext context, int code, JsonNode body)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(body, JsonText.Options), context.RequestAborted);
    }

    private static Task WriteResultAsync(HttpContext context, int code, WriteResult result)
    {
        foreach (var warning in result.Warnings)
        {
            context.Response.Headers.Append("Warning", $"299 - \"{warning.Replace("\"", "\\\"", StringComparison.Ordinal)}\"");
        }

        return WriteAsync(context, code, result.Object);
    }

    private static async Task<string> ReadBodyAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        return await reader.ReadToEndAsync(context.RequestAborted);
    }

    private static async Task<JsonObject?> ReadProtobufAsync(HttpContext context)
    {
        if (!KubeProtobuf.IsProtobuf(context.Request.ContentType))
        {
            return null;
        }

        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        if (buffer.Length == 0)
        {
            return [];
        }

        try
        {
            return KubeProtobuf.Decode(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        }
        catch (NotSupportedException e)
        {
            throw new ApiException(415, "UnsupportedMediaType", $"protobuf bodies of kind {e.Message} are not supported by this server; send application/json");
        }
    }

    private static async Task<JsonObject> ReadObjectAsync(HttpContext context)
    {
        if (await ReadProtobufAsync(context) is { } decoded)
        {
            return decoded;
        }

        var text = await ReadBodyAsync(context);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw ApiException.BadRequest("the request has no body; send the object as JSON");
        }

        var node = (context.Request.ContentType ?? string.Empty).Contains("yaml", StringComparison.Ordinal) ? YamlReader.Parse(text) : JsonNode.Parse(text);
        return node as JsonObject ?? throw ApiException.BadRequest("the request body must be a JSON object");
    }

    private static WriteOptions WriteOptionsOf(HttpContext context)
    {
        var query = context.Request.Query;
        var manager = (string?)query["fieldManager"];
        if (string.IsNullOrEmpty(manager))
        {
            var agent = context.Request.Headers.UserAgent.ToString();
            manager = agent.Length == 0 ? "unknown" : agent.Split('/', ' ')[0];
        }

        var validation = (string?)query["fieldValidation"];
        if (validation is { Length: > 0 } && validation is not ("Strict" or "Warn" or "Ignore"))
        {
            throw ApiException.BadRequest($"fieldValidation must be one of Ignore, Warn or Strict, got \"{validation}\"");
        }

        return new WriteOptions(
            DryRun: query["dryRun"] == "All",
            FieldManager: manager,
            FieldValidation: string.IsNullOrEmpty(validation) ? "Warn" : validation,
            Force: query["force"] == "true");
    }

    private static async Task<DeleteOptions> DeleteOptionsOf(HttpContext context)
    {
        var query = context.Request.Query;
        var options = new DeleteOptions(PropagationPolicy: NullIfEmpty(query["propagationPolicy"]), DryRun: query["dryRun"] == "All");
        var decoded = await ReadProtobufAsync(context);
        var text = decoded is null ? await ReadBodyAsync(context) : string.Empty;
        if ((decoded ?? (string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text))) is JsonObject body)
        {
            var policy = (string?)body["propagationPolicy"];
            if (body["orphanDependents"] is JsonValue orphan && orphan.TryGetValue<bool>(out var o))
            {
                policy ??= o ? "Orphan" : "Background";
            }

            options = options with
            {
                PropagationPolicy = policy ?? options.PropagationPolicy,
                Uid = (string?)body["preconditions"]?["uid"],
                ResourceVersion = long.TryParse((string?)body["preconditions"]?["resourceVersion"], NumberStyles.None, CultureInfo.InvariantCulture, out var rv) ? rv : null,
                DryRun = options.DryRun || body["dryRun"] is JsonArray { Count: > 0 },
            };
        }

        if (options.PropagationPolicy is { } p && p is not ("Foreground" or "Background" or "Orphan"))
        {
            throw ApiException.BadRequest($"propagationPolicy must be Foreground, Background or Orphan, got \"{p}\"");
        }

        return options;
    }

    private static WatchRequest WatchRequestOf(IQueryCollection query, string? ns, string accept)
    {
        long? rv = long.TryParse(query["resourceVersion"], NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
        if (!string.IsNullOrEmpty(query["resourceVersion"]) && rv is null)
        {
            throw ApiException.BadRequest($"resourceVersion \"{query["resourceVersion"]}\" is not a number; use a resourceVersion this server returned");
        }

        return new WatchRequest(
            ns,
            LabelSelector.Parse(query["labelSelector"]),
            FieldSelector.Parse(query["fieldSelector"]),
            rv,
            query["allowWatchBookmarks"] == "true",
            query["sendInitialEvents"] == "true",
            int.TryParse(query["timeoutSeconds"], out var timeout) ? timeout : null,
            accept.Contains("as=Table", StringComparison.Ordinal) ? IncludeObject(query) : null);
    }

    private static string? TableRequested(HttpContext context) =>
        context.Request.Headers.Accept.ToString().Contains("as=Table", StringComparison.Ordinal) ? IncludeObject(context.Request.Query) : null;

    private static string IncludeObject(IQueryCollection query) => NullIfEmpty(query["includeObject"]) ?? "Metadata";

    private static bool PartialRequested(HttpContext context)
    {
        var accept = context.Request.Headers.Accept.ToString();
        return accept.Contains("as=PartialObjectMetadata", StringComparison.Ordinal) && !accept.Contains("as=Table", StringComparison.Ordinal);
    }

    private static JsonObject Partial(JsonObject obj) => new()
    {
        ["kind"] = "PartialObjectMetadata",
        ["apiVersion"] = "meta.k8s.io/v1",
        ["metadata"] = obj["metadata"]?.DeepClone(),
    };

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
