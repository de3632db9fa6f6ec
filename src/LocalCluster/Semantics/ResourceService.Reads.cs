using System.Text;
using System.Text.Json.Nodes;
using Flywheel.ApiServer.Http;
using Flywheel.ApiServer.Resources;
using Flywheel.ApiServer.Storage;

namespace Flywheel.ApiServer.Semantics;

/// <summary>Lists: selectors and limit/continue paging.</summary>
internal sealed partial class ResourceService
{
    public (List<StoredObject> Items, long Revision, string? Continue, long Remaining) List(
        ResourceType type, string? ns, LabelSelector labels, FieldSelector fields, int limit, string? continueToken)
    {
        string? afterKey = null;
        if (!string.IsNullOrEmpty(continueToken))
        {
            try
            {
                afterKey = Encoding.UTF8.GetString(Convert.FromBase64String(continueToken));
            }
            catch (FormatException)
            {
                throw ApiException.BadRequest("continue key is not valid: the continue token was not issued by this server; start the list again without it");
            }
        }

        var (all, revision) = store.List(type.StorageKey, ns, afterKey);
        var matching = all.Where(o => fields.Matches(o) && labels.Matches(o.Labels)).ToList();
        if (limit > 0 && matching.Count > limit)
        {
            var page = matching.Take(limit).ToList();
            var token = Convert.ToBase64String(Encoding.UTF8.GetBytes(page[^1].Key));
            return (page, revision, token, matching.Count - limit);
        }

        return (matching, revision, null, 0);
    }

    public JsonObject ListObject(ResourceType type, IReadOnlyList<StoredObject> items, long revision, string? continueToken, long remaining)
    {
        var array = new JsonArray();
        foreach (var item in items)
        {
            var obj = item.Parse();
            Present(type, obj);
            array.Add(obj);
        }

        var meta = new JsonObject { ["resourceVersion"] = revision.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (continueToken is not null)
        {
            meta["continue"] = continueToken;
            meta["remainingItemCount"] = remaining;
        }

        return new JsonObject
        {
            ["kind"] = type.Kind + "List",
            ["apiVersion"] = type.ApiVersion,
            ["metadata"] = meta,
            ["items"] = array,
        };
    }
}
