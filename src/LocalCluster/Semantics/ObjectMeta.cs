using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Flywheel.ApiServer.Schema;

namespace Flywheel.ApiServer.Semantics;

/// <summary>Reads and stamps the metadata fields the server owns.</summary>
internal static partial class ObjectMeta
{
    private const string NameAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    public static JsonObject Of(JsonObject obj)
    {
        if (obj["metadata"] is not JsonObject meta)
        {
            meta = [];
            obj["metadata"] = meta;
        }

        return meta;
    }

    public static string? Name(JsonObject obj) => (string?)obj["metadata"]?["name"];

    public static long ResourceVersion(JsonObject obj) =>
        long.TryParse((string?)obj["metadata"]?["resourceVersion"], NumberStyles.None, CultureInfo.InvariantCulture, out var rv) ? rv : 0;

    public static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string GenerateName(string prefix) =>
        prefix + string.Concat(Enumerable.Range(0, 5).Select(_ => NameAlphabet[Random.Shared.Next(NameAlphabet.Length)]));

    public static List<string> Finalizers(JsonObject obj) =>
        obj["metadata"]?["finalizers"] is JsonArray list ? list.Select(f => (string?)f).OfType<string>().ToList() : [];

    public static void SetFinalizers(JsonObject obj, IReadOnlyCollection<string> finalizers)
    {
        var meta = Of(obj);
        if (finalizers.Count == 0)
        {
            meta.Remove("finalizers");
        }
        else
        {
            meta["finalizers"] = new JsonArray(finalizers.Select(f => (JsonNode?)JsonValue.Create(f)).ToArray());
        }
    }

    /// <summary>Checks a name the way the API server does for DNS-subdomain-named resources.</summary>
    public static FieldError? ValidateName(string name, bool label)
    {
        if (label)
        {
            return name.Length <= 63 && LabelPattern().IsMatch(name)
                ? null
                : FieldError.Invalid("metadata.name", JsonValue.Create(name), "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')");
        }

        return name.Length <= 253 && SubdomainPattern().IsMatch(name)
            ? null
            : FieldError.Invalid("metadata.name", JsonValue.Create(name), "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
    }

    /// <summary>Everything but metadata and status: what a generation bump is measured on.</summary>
    public static bool SpecChanged(JsonObject before, JsonObject after)
    {
        var keys = before.Select(p => p.Key).Concat(after.Select(p => p.Key)).Where(k => k is not ("metadata" or "status" or "apiVersion" or "kind")).Distinct();
        return keys.Any(k => !JsonNode.DeepEquals(before[k], after[k]));
    }

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex LabelPattern();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex SubdomainPattern();
}
