using System.Text.Json.Nodes;
using Flywheel.ApiServer.Http;
using Flywheel.ApiServer.Patching;
using Flywheel.ApiServer.Resources;

namespace Flywheel.ApiServer.Semantics;

/// <summary>
/// PATCH in its four flavours. Each holds the object's write lock from read to commit, and retries a write
/// that landed outside the lock unless the patch pins a resourceVersion.
/// </summary>
internal sealed partial class ResourceService
{
    public WriteResult Patch(ResourceType type, string ns, string name, string contentType, JsonNode? patch, string? subresource, WriteOptions options)
    {
        var kind = contentType.Split(';')[0].Trim().ToLowerInvariant();
        if (kind == "application/apply-patch+yaml" || kind == "application/apply-patch+cbor")
        {
            if (patch is not JsonObject applied)
            {
                throw ApiException.BadRequest("an apply patch must be an object");
            }

            if (string.IsNullOrEmpty(options.FieldManager))
            {
                throw ApiException.BadRequest("PATCH, application/apply-patch+yaml: fieldManager is required for apply requests; pass ?fieldManager=<name>");
            }

            return Apply(type, ns, name, applied, subresource, options);
        }

        if (kind == "application/strategic-merge-patch+json" && type.MergeKeys is null)
        {
            throw ApiException.UnsupportedMediaType(kind + " (strategic merge patch is only for built-in kinds; use application/merge-patch+json for custom resources)");
        }

        using var held = _writeLocks.Enter(type.StorageKey, ns, name);
        for (var attempt = 0; ; attempt++)
        {
            var current = store.Get(type.StorageKey, ns, name) ?? throw ApiException.NotFound(type, name);
            var target = current.Parse();
            Present(type, target);
            JsonNode? patched = kind switch
            {
                "application/merge-patch+json" => MergePatch.Apply(target, patch),
                "application/json-patch+json" => JsonPatch.Apply(target, patch as JsonArray ?? throw ApiException.BadRequest("a json patch must be an array of operations")),
                "application/strategic-merge-patch+json" => StrategicMergePatch.Apply(target, patch as JsonObject ?? throw ApiException.BadRequest("a strategic merge patch must be an object")),
                _ => throw ApiException.UnsupportedMediaType(kind),
            };
            if (patched is not JsonObject next)
            {
                throw ApiException.BadRequest("the patched object is not an object");
            }

            var pinned = ObjectMeta.ResourceVersion(next);
            if (pinned != 0 && pinned != current.ResourceVersion)
            {
                throw ApiException.Conflict(type, name);
            }

            try
            {
                return Commit(type, current, next, subresource, options, "Update");
            }
            catch (ApiException e) when (e.Code == 409 && e.Reason == "Conflict" && attempt < Retries)
            {
                // A writer outside the object's lock landed between the read and the commit: apply the patch
                // again to the new object, as the API server's update loop does. A resourceVersion the patch
                // itself names no longer matches then, and the check above answers 409.
            }
        }
    }

    private WriteResult Apply(ResourceType type, string ns, string name, JsonObject applied, string? subresource, WriteOptions options)
    {
        var appliedName = ObjectMeta.Name(applied);
        if (appliedName is not null && appliedName != name)
        {
            throw ApiException.BadRequest($"the name of the object ({appliedName}) does not match the name on the URL ({name})");
        }

        using var held = _writeLocks.Enter(type.StorageKey, ns, name);
        for (var attempt = 0; ; attempt++)
        {
            var current = store.Get(type.StorageKey, ns, name);
            try
            {
                if (current is null)
                {
                    if (subresource is not null)
                    {
                        throw ApiException.NotFound(type, name);
                    }

                    var created = ServerSideApply.Apply(type, null, applied, options.FieldManager!, options.Force, time.GetUtcNow(), subresource);
                    ObjectMeta.Of(created)["name"] = name;
                    return CreateCore(type, ns, created, options, fromApply: true);
                }

                var before = current.Parse();
                Present(type, before);
                var next = ServerSideApply.Apply(type, before, applied, options.FieldManager!, options.Force, time.GetUtcNow(), subresource);
                return Commit(type, current, next, subresource, options, "Apply");
            }
            catch (ApiException e) when (e.Code == 409 && (e.Reason is "Conflict" or "AlreadyExists") && attempt < Retries && !e.Message.Contains("conflict with", StringComparison.Ordinal))
            {
            }
        }
    }
}
