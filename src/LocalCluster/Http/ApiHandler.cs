using System.Text.Json;
using System.Text.Json.Nodes;
using Flywheel.ApiServer.Resources;
using Flywheel.ApiServer.Semantics;

namespace Flywheel.ApiServer.Http;

/// <summary>Maps HTTP requests to discovery, OpenAPI and the resource verbs; every failure becomes a Status.</summary>
internal sealed partial class ApiHandler(ResourceService service, WatchStreamer watches, OpenApiDocuments openApi, ClusterFaults faults, ClusterAudit audit, CancellationToken stopping)
{
    public async Task HandleAsync(HttpContext context)
    {
        try
        {
            await DispatchAsync(context);
        }
        catch (ApiException e)
        {
            await WriteAsync(context, e.Code, e.ToStatus());
        }
        catch (JsonException e)
        {
            await WriteAsync(context, 400, ApiException.Status(400, "BadRequest", $"the request body is not valid JSON: {e.Message}"));
        }
        catch (FormatException e)
        {
            await WriteAsync(context, 400, ApiException.Status(400, "BadRequest", e.Message));
        }
        catch (Exception e) when (e is InvalidOperationException or InvalidCastException or KeyNotFoundException or ArgumentException)
        {
            // A body whose shape the handlers did not expect: say so rather than drop the connection.
            await WriteAsync(context, 400, ApiException.Status(400, "BadRequest", $"the request could not be processed: {e.Message}; check the body's structure against the resource's schema"));
        }
    }

    private async Task DispatchAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        var method = context.Request.Method;
        if (method == "GET")
        {
            JsonNode? document = path.TrimEnd('/') switch
            {
                "/version" => Discovery.Version(),
                "/api" => Discovery.CoreVersions(context.Request.Host.Value ?? "127.0.0.1"),
                "/apis" => Discovery.Groups(service.Registry.All),
                "/openapi/v3" => openApi.Root(),
                _ => null,
            };
            if (document is not null)
            {
                await WriteAsync(context, 200, document);
                return;
            }

            if (path is "/healthz" or "/livez" or "/readyz")
            {
                context.Response.ContentType = "text/plain";
                await context.Response.WriteAsync("ok", context.RequestAborted);
                return;
            }

            if (path.StartsWith("/openapi/v3/", StringComparison.Ordinal))
            {
                var doc = openApi.GroupVersion(path["/openapi/v3/".Length..]) ?? throw NotFoundPath();
                await WriteAsync(context, 200, doc);
                return;
            }

            if (DiscoveryFor(path) is { } listing)
            {
                await WriteAsync(context, 200, listing);
                return;
            }
        }

        var api = ApiPath.Parse(path) ?? throw NotFoundPath();
        var type = service.Registry.Find(api.Group, api.Version, api.Resource) ?? throw NotFoundPath();
        if ((api.Namespace is not null && !type.Namespaced) || (api.Subresource is not null && !HasSubresource(type, api.Subresource)))
        {
            throw NotFoundPath();
        }

        var query = context.Request.Query;
        var verb = VerbOf(method, api, query);
        if ((context.Request.ContentType ?? string.Empty).Contains("cbor", StringComparison.Ordinal))
        {
            throw new ApiException(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json, application/yaml; got {context.Request.ContentType}");
        }

        audit.Record(new ApiCall(UserOf(context), verb, api.Group, type.Plural, api.Subresource, api.Namespace));
        if (faults.Take(verb, type.Plural, api.Subresource) is { } code)
        {
            throw new ApiException(code, ReasonFor(code), $"injected fault: {verb} {type.Plural} fails with {code}");
        }

        var ns = type.Namespaced ? api.Namespace ?? string.Empty : string.Empty;
        if (type.Namespaced && api.Name is not null && api.Namespace is null)
        {
            throw NotFoundPath();
        }

        switch (verb)
        {
            case "get":
                await GetAsync(context, type, ns, api);
                break;
            case "list":
                await ListAsync(context, type, api.Namespace);
                break;
            case "watch":
                await watches.StreamAsync(context, type, WatchRequestOf(query, api.Namespace, context.Request.Headers.Accept.ToString()), stopping);
                break;
            case "create":
                {
                    var body = await ReadObjectAsync(context);
                    var result = service.CreateCore(type, ns, body, WriteOptionsOf(context));
                    await WriteResultAsync(context, 201, result);
                    break;
                }

            case "update":
                {
                    var body = await ReadObjectAsync(context);
                    if (api.Subresource == "scale")
                    {
                        await WriteAsync(context, 200, service.UpdateScale(type, ns, api.Name!, _ => body, WriteOptionsOf(context)));
                        break;
                    }

                    var result = service.Update(type, ns, api.Name!, body, api.Subresource, WriteOptionsOf(context));
                    await WriteResultAsync(context, 200, result);
                    break;
                }

            case "patch":
                await PatchAsync(context, type, ns, api);
                break;
            case "delete":
                {
                    var (obj, _) = service.Delete(type, ns, api.Name!, await DeleteOptionsOf(context));
                    await WriteAsync(context, 200, obj);
                    break;
                }

            case "deletecollection":
                {
                    var deleted = service.DeleteCollection(type, api.Namespace, LabelSelector.Parse(query["labelSelector"]), FieldSelector.Parse(query["fieldSelector"]), await DeleteOptionsOf(context));
                    var list = new JsonObject
                    {
                        ["kind"] = type.Kind + "List",
                        ["apiVersion"] = type.ApiVersion,
                        ["metadata"] = new JsonObject { ["resourceVersion"] = service.Store.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                        ["items"] = new JsonArray(deleted.Select(d => (JsonNode?)d).ToArray()),
                    };
                    await WriteAsync(context, 200, list);
                    break;
                }

            default:
                throw ApiException.MethodNotAllowed($"the server does not allow this method on the requested resource");
        }
    }

    private async Task GetAsync(HttpContext context, ResourceType type, string ns, ApiPath api)
    {
        var obj = service.Get(type, ns, api.Name!);
        if (api.Subresource == "scale")
        {
            await WriteAsync(context, 200, ResourceService.ScaleOf(type, obj));
            return;
        }

        if (TableRequested(context) is { } includeObject)
        {
            await WriteAsync(context, 200, TableConverter.Convert(type, [obj], (string?)obj["metadata"]?["resourceVersion"], includeObject, service.Time.GetUtcNow()));
            return;
        }

        await WriteAsync(context, 200, PartialRequested(context) ? Partial(obj) : obj);
    }

    private async Task ListAsync(HttpContext context, ResourceType type, string? ns)
    {
        var query = context.Request.Query;
        var limit = int.TryParse(query["limit"], out var l) ? l : 0;
        var (items, revision, continueToken, remaining) = service.List(type, ns, LabelSelector.Parse(query["labelSelector"]), FieldSelector.Parse(query["fieldSelector"]), limit, query["continue"]);
        if (TableRequested(context) is { } includeObject)
        {
            var objects = items.Select(i => i.Parse().Also(o => ResourceService.Present(type, o)));
            await WriteAsync(context, 200, TableConverter.Convert(type, objects, revision.ToString(System.Globalization.CultureInfo.InvariantCulture), includeObject, service.Time.GetUtcNow(), continueToken));
            return;
        }

        var list = service.ListObject(type, items, revision, continueToken, remaining);
        if (PartialRequested(context))
        {
            list["kind"] = "PartialObjectMetadataList";
            list["apiVersion"] = "meta.k8s.io/v1";
            list["items"] = new JsonArray(((JsonArray)list["items"]!).Select(i => (JsonNode?)Partial((JsonObject)i!)).ToArray());
        }

        await WriteAsync(context, 200, list);
    }

    private async Task PatchAsync(HttpContext context, ResourceType type, string ns, ApiPath api)
    {
        var contentType = context.Request.ContentType ?? string.Empty;
        var text = await ReadBodyAsync(context);
        var patch = contentType.StartsWith("application/apply-patch", StringComparison.Ordinal) ? YamlReader.Parse(text) : JsonNode.Parse(text);
        var options = WriteOptionsOf(context);
        if (api.Subresource == "scale")
        {
            var kind = contentType.Split(';')[0];
            await WriteAsync(context, 200, service.UpdateScale(type, ns, api.Name!, scale => kind switch
            {
                "application/json-patch+json" => (JsonObject)Patching.JsonPatch.Apply(scale, (JsonArray)patch!)!,
                _ => (JsonObject)Patching.MergePatch.Apply(scale, patch)!,
            }, options, patching: true));
            return;
        }

        var result = service.Patch(type, ns, api.Name!, contentType, patch, api.Subresource, options);
        await WriteResultAsync(context, result.Created ? 201 : 200, result);
    }

    private JsonObject? DiscoveryFor(string path)
    {
        var parts = path.Trim('/').Split('/');
        var all = service.Registry.All;
        return parts switch
        {
            ["api", var version] => Discovery.Resources(all, string.Empty, version),
            ["apis", var group] => Discovery.Group(all, group),
            ["apis", var group, var version] => Discovery.Resources(all, group, version),
            _ => null,
        };
    }

    private static bool HasSubresource(ResourceType type, string subresource) => subresource switch
    {
        "status" => type.HasStatus,
        "scale" => type.Scale is not null,
        "finalize" => type.Kind == "Namespace",
        _ => false,
    };

    private static string VerbOf(string method, ApiPath api, IQueryCollection query) => method switch
    {
        "GET" when api.Name is not null => "get",
        "GET" when query["watch"] is var w && (w == "true" || w == "1") => "watch",
        "GET" => "list",
        "POST" when api.Name is null => "create",
        "PUT" when api.Name is not null => "update",
        "PATCH" when api.Name is not null => "patch",
        "DELETE" when api.Name is not null => "delete",
        "DELETE" => "deletecollection",
        _ => "unsupported",
    };

    private static ApiException NotFoundPath() => new(404, "NotFound", "the server could not find the requested resource", new JsonObject());

    private static string ReasonFor(int code) => code switch
    {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        409 => "Conflict",
        410 => "Expired",
        422 => "Invalid",
        429 => "TooManyRequests",
        503 => "ServiceUnavailable",
        504 => "Timeout",
        _ => "InternalError",
    };

    /// <summary>The bearer token names the caller; the server authenticates nobody, it only records.</summary>
    private static string UserOf(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header.Length > 7 ? header[7..] : "anonymous";
    }
}
