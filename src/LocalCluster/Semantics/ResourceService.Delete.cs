using System.Text.Json.Nodes;
using Flywheel.ApiServer.Http;
using Flywheel.ApiServer.Resources;
using Flywheel.ApiServer.Storage;

namespace Flywheel.ApiServer.Semantics;

/// <summary>
/// DELETE: an object with finalizers (or a Foreground/Orphan propagation, which adds one) is only marked
/// with deletionTimestamp; it goes when its last finalizer is removed. Dependents are the garbage
/// collector's business.
/// </summary>
internal sealed partial class ResourceService
{
    public const string ForegroundFinalizer = "foregroundDeletion";
    public const string OrphanFinalizer = "orphan";

    /// <summary>Returns the object as it was when deleted, or as it now is when deletion only started.</summary>
    public (JsonObject Object, bool Gone) Delete(ResourceType type, string ns, string name, DeleteOptions options)
    {
        using var held = _writeLocks.Enter(type.StorageKey, ns, name);
        for (var attempt = 0; ; attempt++)
        {
            var current = store.Get(type.StorageKey, ns, name) ?? throw ApiException.NotFound(type, name);
            if (options.Uid is { } uid && uid != current.Uid)
            {
                throw ApiException.Conflict(type, name, $"Precondition failed: UID in precondition: {uid}, UID in object meta: {current.Uid}");
            }

            if (options.ResourceVersion is { } rv && rv != current.ResourceVersion)
            {
                throw ApiException.Conflict(type, name, $"Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {current.ResourceVersion}");
            }

            var obj = current.Parse();
            var finalizers = ObjectMeta.Finalizers(obj);
            var policy = options.PropagationPolicy ?? "Background";
            var extra = policy switch
            {
                "Foreground" => ForegroundFinalizer,
                "Orphan" => OrphanFinalizer,
                _ => null,
            };
            var hasDependents = extra is not null && HasDependents(current.Uid);
            if (extra is not null && hasDependents && !finalizers.Contains(extra))
            {
                finalizers.Add(extra);
            }

            if (type.Kind == "Namespace" && type.Group.Length == 0)
            {
                finalizers.Add("kubernetes");
            }

            try
            {
                if (finalizers.Count == 0)
                {
                    if (options.DryRun)
                    {
                        Present(type, obj);
                        return (obj, true);
                    }

                    var gone = store.Delete(type.StorageKey, ns, name, current.ResourceVersion);
                    AfterWrite(type, gone);
                    var result = gone.Parse();
                    Present(type, result);
                    return (result, true);
                }

                var meta = ObjectMeta.Of(obj);
                if (meta["deletionTimestamp"] is null)
                {
                    meta["deletionTimestamp"] = ObjectMeta.Timestamp(time.GetUtcNow());
                    meta["deletionGracePeriodSeconds"] = 0;
                }

                if (type.Kind != "Namespace" || type.Group.Length != 0)
                {
                    ObjectMeta.SetFinalizers(obj, finalizers);
                }
                else
                {
                    obj["status"] = new JsonObject { ["phase"] = "Terminating" };
                }

                if (options.DryRun)
                {
                    Present(type, obj);
                    return (obj, false);
                }

                var marked = store.Update(type.StorageKey, obj, current.ResourceVersion);
                AfterWrite(type, marked);
                var markedObject = marked.Parse();
                Present(type, markedObject);
                return (markedObject, false);
            }
            catch (StoreException) when (attempt < Retries)
            {
            }
        }
    }

    public List<JsonObject> DeleteCollection(ResourceType type, string? ns, LabelSelector labels, FieldSelector fields, DeleteOptions options)
    {
        var (items, _, _, _) = List(type, ns, labels, fields, 0, null);
        var deleted = new List<JsonObject>();
        foreach (var item in items)
        {
            try
            {
                deleted.Add(Delete(type, item.Namespace, item.Name, options with { Uid = null, ResourceVersion = null }).Object);
            }
            catch (ApiException e) when (e.Code == 404)
            {
            }
        }

        return deleted;
    }

    private bool HasDependents(string uid) => store.Snapshot().Any(o => o.Object.OwnerUids.Contains(uid));
}

/// <summary>DeleteOptions from the body or the query.</summary>
internal sealed record DeleteOptions(string? PropagationPolicy = null, string? Uid = null, long? ResourceVersion = null, bool DryRun = false);
