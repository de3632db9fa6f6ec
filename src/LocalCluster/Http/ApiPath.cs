namespace Flywheel.ApiServer.Http;

/// <summary>A resource URL split into its parts: <c>/apis/{group}/{version}/namespaces/{ns}/{resource}/{name}/{subresource}</c>.</summary>
internal sealed record ApiPath(string Group, string Version, string? Namespace, string Resource, string? Name, string? Subresource)
{
    /// <summary>Parses a resource path; null for paths that are not resource paths (discovery and the like).</summary>
    public static ApiPath? Parse(string path)
    {
        var parts = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        string group;
        string version;
        int rest;
        if (parts.Length >= 3 && parts[0] == "api")
        {
            (group, version, rest) = (string.Empty, parts[1], 2);
        }
        else if (parts.Length >= 4 && parts[0] == "apis")
        {
            (group, version, rest) = (parts[1], parts[2], 3);
        }
        else
        {
            return null;
        }

        var tail = parts[rest..];
        if (tail.Length >= 3 && tail[0] == "namespaces" && !(tail.Length == 3 && tail[2] is "status" or "finalize"))
        {
            return tail.Length > 5 ? null : new ApiPath(group, version, tail[1], tail[2], tail.ElementAtOrDefault(3), tail.ElementAtOrDefault(4));
        }

        return tail.Length > 3 ? null : new ApiPath(group, version, null, tail[0], tail.ElementAtOrDefault(1), tail.ElementAtOrDefault(2));
    }
}
