using System.Text.Json.Nodes;
using Flywheel.ApiServer.Http;
using Flywheel.ApiServer.Resources;

namespace Flywheel.ApiServer.Semantics;

/// <summary>The /scale subresource: an autoscaling/v1 Scale projected from the object's replica paths.</summary>
internal sealed partial class ResourceService
{
    /// <summary>
    /// Reads the Scale, lets <paramref name="change"/> compute the wanted one (an update's body, or the patch
    /// applied) and writes its replicas back. <paramref name="patching"/>: a patch that leaves
    /// metadata.resourceVersion as it was names no precondition.
    /// </summary>
    public JsonObject UpdateScale(ResourceType type, string ns, string name, Func<JsonObject, JsonObject> change, WriteOptions options, bool patching = false)
    {
        var scale = type.Scale!;
        using var held = _writeLocks.Enter(type.StorageKey, ns, name);
        for (var attempt = 0; ; attempt++)
        {
            var current = store.Get(type.StorageKey, ns, name) ?? throw ApiException.NotFound(type, name);
            var obj = current.Parse();
            var original = ScaleOf(type, obj);
            var wanted = change((JsonObject)original.DeepClone());
            var replicas = wanted["spec"]?["replicas"]?.DeepClone() ?? JsonValue.Create(0);

            // Only a version the caller set (an update, or a patch naming one) must match; without one a
            // concurrent write is retried, as the API server's update loop does.
            var expected = ObjectMeta.ResourceVersion(wanted);
            if (patching && expected == ObjectMeta.ResourceVersion(original))
            {
                expected = 0;
            }

            if (expected != 0 && expected != current.ResourceVersion)
            {
                throw ApiException.Conflict(type, name);
            }

            SetPath(obj, scale.SpecReplicasPath, replicas);
            try
            {
                var result = Commit(type, current, obj, null, options, "Update");
                return ScaleOf(type, result.Object);
            }
            catch (ApiException e) when (e.Code == 409 && e.Reason == "Conflict" && expected == 0 && attempt < Retries)
            {
                // A writer outside the object's lock landed between the read and the commit.
            }
        }
    }

    public static JsonObject ScaleOf(ResourceType type, JsonObject obj)
    {
        var scale = type.Scale!;
        var meta = obj["metadata"]!;
        var status = new JsonObject { ["replicas"] = JsonPathLite.First(obj, scale.StatusReplicasPath)?.DeepClone() ?? 0 };
        if (scale.LabelSelectorPath is { } selectorPath && JsonPathLite.First(obj, selectorPath) is { } selector)
        {
            status["selector"] = selector is JsonValue ? selector.DeepClone() : MatchLabels(selector);
        }

        return new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = meta["name"]?.DeepClone(),
                ["namespace"] = meta["namespace"]?.DeepClone(),
                ["uid"] = meta["uid"]?.DeepClone(),
                ["resourceVersion"] = meta["resourceVersion"]?.DeepClone(),
                ["creationTimestamp"] = meta["creationTimestamp"]?.DeepClone(),
            },
            ["spec"] = new JsonObject { ["replicas"] = JsonPathLite.First(obj, scale.SpecReplicasPath)?.DeepClone() ?? 0 },
            ["status"] = status,
        };
    }

    private static string MatchLabels(JsonNode selector) =>
        selector["matchLabels"] is JsonObject labels ? string.Join(",", labels.Select(l => $"{l.Key}={l.Value}")) : string.Empty;

    private static void SetPath(JsonObject obj, string path, JsonNode? value)
    {
        var parts = path.Trim('.').Split('.');
        var node = obj;
        foreach (var part in parts[..^1])
        {
            if (node[part] is not JsonObject child)
            {
                child = [];
                node[part] = child;
            }

            node = child;
        }

        node[parts[^1]] = value;
    }
}
