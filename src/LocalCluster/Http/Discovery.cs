using System.Text.Json.Nodes;
using Flywheel.ApiServer.Resources;

namespace Flywheel.ApiServer.Http;

/// <summary>
/// Legacy discovery documents (<c>/api</c>, <c>/apis</c>, <c>/api/v1</c>, <c>/apis/{group}/{version}</c>).
/// kubectl and helm ask for aggregated discovery first and fall back to these when the reply is plain JSON.
/// </summary>
internal static class Discovery
{
    public const string GitVersion = "v1.35.0";

    public static JsonObject Version() => new()
    {
        ["major"] = "1",
        ["minor"] = "35",
        ["emulationMajor"] = "1",
        ["emulationMinor"] = "35",
        ["minCompatibilityMajor"] = "1",
        ["minCompatibilityMinor"] = "34",
        ["gitVersion"] = GitVersion,
        ["gitCommit"] = "0000000000000000000000000000000000000000",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2026-01-01T00:00:00Z",
        ["goVersion"] = "go1.25.0",
        ["compiler"] = "gc",
        ["platform"] = "linux/amd64",
    };

    public static JsonObject CoreVersions(string serverAddress) => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = serverAddress }),
    };

    public static JsonObject Groups(IReadOnlyList<ResourceType> all)
    {
        var groups = new JsonArray();
        foreach (var group in all.Where(r => r.Group.Length > 0).GroupBy(r => r.Group).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var versions = group.Select(r => r.Version).Distinct().OrderByDescending(VersionPriority).ToList();
            var list = new JsonArray();
            foreach (var version in versions)
            {
                list.Add(new JsonObject { ["groupVersion"] = $"{group.Key}/{version}", ["version"] = version });
            }

            groups.Add(new JsonObject
            {
                ["name"] = group.Key,
                ["versions"] = list,
                ["preferredVersion"] = new JsonObject { ["groupVersion"] = $"{group.Key}/{versions[0]}", ["version"] = versions[0] },
            });
        }

        return new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = groups };
    }

    public static JsonObject? Group(IReadOnlyList<ResourceType> all, string name)
    {
        var groups = (JsonArray)Groups(all)["groups"]!;
        var group = groups.OfType<JsonObject>().FirstOrDefault(g => (string?)g["name"] == name);
        if (group is null)
        {
            return null;
        }

        var result = (JsonObject)group.DeepClone();
        result["kind"] = "APIGroup";
        result["apiVersion"] = "v1";
        return result;
    }

    public static JsonObject? Resources(IReadOnlyList<ResourceType> all, string group, string version)
    {
        var types = all.Where(r => r.Group == group && r.Version == version).OrderBy(r => r.Plural, StringComparer.Ordinal).ToList();
        if (types.Count == 0)
        {
            return null;
        }

        var resources = new JsonArray();
        foreach (var type in types)
        {
            var entry = new JsonObject
            {
                ["name"] = type.Plural,
                ["singularName"] = type.Singular,
                ["namespaced"] = type.Namespaced,
                ["kind"] = type.Kind,
                ["verbs"] = new JsonArray(type.Verbs.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()),
            };
            if (type.ShortNames.Count > 0)
            {
                entry["shortNames"] = new JsonArray(type.ShortNames.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
            }

            if (type.Categories.Count > 0)
            {
                entry["categories"] = new JsonArray(type.Categories.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
            }

            entry["storageVersionHash"] = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(type.StorageKey)))[..11];
            resources.Add(entry);
            if (type.HasStatus)
            {
                resources.Add(Subresource(type, "status", type.Kind, null, null));
            }

            if (type.Scale is not null)
            {
                resources.Add(Subresource(type, "scale", "Scale", "autoscaling", "v1"));
            }
        }

        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = types[0].ApiVersion,
            ["resources"] = resources,
        };
    }

    private static JsonObject Subresource(ResourceType type, string name, string kind, string? group, string? version)
    {
        var entry = new JsonObject
        {
            ["name"] = $"{type.Plural}/{name}",
            ["singularName"] = string.Empty,
            ["namespaced"] = type.Namespaced,
            ["kind"] = kind,
            ["verbs"] = new JsonArray("get", "patch", "update"),
        };
        if (group is not null)
        {
            entry["group"] = group;
            entry["version"] = version;
        }

        return entry;
    }

    /// <summary>Kubernetes version ordering: GA over beta over alpha, then by number.</summary>
    public static long VersionPriority(string version)
    {
        var match = System.Text.RegularExpressions.Regex.Match(version, @"^v(\d+)(?:(alpha|beta)(\d+))?$");
        if (!match.Success)
        {
            return 0;
        }

        var major = long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var stage = match.Groups[2].Value switch { "alpha" => 1, "beta" => 2, _ => 3 };
        var minor = match.Groups[3].Success ? long.Parse(match.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        return (stage * 1_000_000) + (major * 1000) + minor;
    }
}
