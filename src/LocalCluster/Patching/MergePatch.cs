using System.Text.Json.Nodes;

namespace Flywheel.ApiServer.Patching;

/// <summary>RFC 7386 JSON merge patch: objects merge, null deletes, everything else replaces.</summary>
internal static class MergePatch
{
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target as JsonObject ?? [];
        foreach (var (name, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(name);
            }
            else
            {
                var current = result[name];
                result[name] = null;
                result[name] = Apply(current, value);
            }
        }

        return result;
    }
}
