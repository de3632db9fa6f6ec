using System.Text;
using System.Text.Json.Nodes;
using Flywheel.ApiServer.Resources;
using Flywheel.ApiServer.Semantics;
using Flywheel.ApiServer.Storage;

namespace Flywheel.ApiServer.Http;

/// <summary>
/// A watch response: one JSON event per line, flushed as it happens. Starts from the current state, from a
/// resourceVersion (410 Expired in-stream when it is older than the kept history) or with
/// sendInitialEvents; sends BOOKMARKs when asked.
/// </summary>
internal sealed class WatchStreamer(ObjectStore store, TimeProvider time, TimeSpan bookmarkInterval)
{
    private static readonly byte[] Newline = "\n"u8.ToArray();

    public async Task StreamAsync(HttpContext context, ResourceType type, WatchRequest request, CancellationToken stopping)
    {
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "application/json";
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        if (request.TimeoutSeconds is { } timeout and > 0)
        {
            cts.CancelAfter(TimeSpan.FromSeconds(timeout));
        }

        Subscription subscription;
        List<WatchEvent> backlog;
        long startRevision;
        try
        {
            var from = request.SendInitialEvents || request.ResourceVersion is null or 0 ? (long?)null : request.ResourceVersion;
            (subscription, backlog, startRevision) = store.Watch(type.StorageKey, request.Namespace, from);
        }
        catch (ResourceVersionTooOldException e)
        {
            var status = ApiException.Status(410, "Expired", e.Message);
            await WriteLineAsync(response, new JsonObject { ["type"] = "ERROR", ["object"] = status }, cts.Token);
            return;
        }

        using (subscription)
        {
            try
            {
                await response.StartAsync(cts.Token);
                foreach (var evt in backlog)
                {
                    await SendAsync(response, type, evt, request, cts.Token);
                }

                if (request.SendInitialEvents && request.AllowBookmarks)
                {
                    await SendBookmarkAsync(response, type, startRevision, initialEventsEnd: true, cts.Token);
                }

                await response.Body.FlushAsync(cts.Token);
                await PumpAsync(response, type, subscription, request, cts.Token);
            }
            catch (OperationCanceledException)
            {
                // Client went away, the timeout passed, or the server is stopping: the stream just ends.
            }
            catch (IOException)
            {
                // The connection broke mid-write.
            }
        }
    }

    private async Task PumpAsync(HttpResponse response, ResourceType type, Subscription subscription, WatchRequest request, CancellationToken cancellationToken)
    {
        var reader = subscription.Reader;
        while (!cancellationToken.IsCancellationRequested)
        {
            var revision = store.Revision;
            while (reader.TryRead(out var evt))
            {
                await SendAsync(response, type, evt, request, cancellationToken);
            }

            if (reader.Completion.IsCompleted)
            {
                return;
            }

            await response.Body.FlushAsync(cancellationToken);
            if (request.AllowBookmarks)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                wait.CancelAfter(bookmarkInterval);
                try
                {
                    if (!await reader.WaitToReadAsync(wait.Token))
                    {
                        return;
                    }
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    await SendBookmarkAsync(response, type, revision, initialEventsEnd: false, cancellationToken);
                    await response.Body.FlushAsync(cancellationToken);
                }
            }
            else if (!await reader.WaitToReadAsync(cancellationToken))
            {
                return;
            }
        }
    }

    private async Task SendAsync(HttpResponse response, ResourceType type, WatchEvent evt, WatchRequest request, CancellationToken cancellationToken)
    {
        var now = Matches(request, evt.Object);
        var before = evt.Previous is not null && Matches(request, evt.Previous);
        var kind = evt.Type switch
        {
            WatchEventType.Added when now => "ADDED",
            WatchEventType.Modified when now && before => "MODIFIED",
            WatchEventType.Modified when now => "ADDED",
            WatchEventType.Modified when before => "DELETED",
            WatchEventType.Deleted when now || before => "DELETED",
            _ => null,
        };
        if (kind is null)
        {
            return;
        }

        if (request.Table is not null || evt.Object.ApiVersion != type.ApiVersion)
        {
            var obj = evt.Object.Parse();
            ResourceService.Present(type, obj);
            JsonNode payload = request.Table is { } includeObject
                ? TableConverter.Convert(type, [obj], obj["metadata"]?["resourceVersion"]?.ToString(), includeObject, time.GetUtcNow())
                : obj;
            await WriteLineAsync(response, new JsonObject { ["type"] = kind, ["object"] = payload }, cancellationToken);
            return;
        }

        await response.Body.WriteAsync(Encoding.UTF8.GetBytes($"{{\"type\":\"{kind}\",\"object\":"), cancellationToken);
        await response.Body.WriteAsync(evt.Object.Json, cancellationToken);
        await response.Body.WriteAsync("}\n"u8.ToArray(), cancellationToken);
    }

    private static bool Matches(WatchRequest request, StoredObject obj) =>
        request.Fields.Matches(obj) && request.Labels.Matches(obj.Labels);

    private async Task SendBookmarkAsync(HttpResponse response, ResourceType type, long revision, bool initialEventsEnd, CancellationToken cancellationToken)
    {
        var meta = new JsonObject { ["resourceVersion"] = revision.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (initialEventsEnd)
        {
            meta["annotations"] = new JsonObject { ["k8s.io/initial-events-end"] = "true" };
        }

        var bookmark = new JsonObject { ["kind"] = type.Kind, ["apiVersion"] = type.ApiVersion, ["metadata"] = meta };
        await WriteLineAsync(response, new JsonObject { ["type"] = "BOOKMARK", ["object"] = bookmark }, cancellationToken);
    }

    private static async Task WriteLineAsync(HttpResponse response, JsonObject line, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(line.ToJsonString(JsonText.Options)), cancellationToken);
        await response.Body.WriteAsync(Newline, cancellationToken);
    }
}

/// <summary>The parameters of one watch.</summary>
internal sealed record WatchRequest(
    string? Namespace,
    LabelSelector Labels,
    FieldSelector Fields,
    long? ResourceVersion,
    bool AllowBookmarks,
    bool SendInitialEvents,
    int? TimeoutSeconds,
    string? Table);
