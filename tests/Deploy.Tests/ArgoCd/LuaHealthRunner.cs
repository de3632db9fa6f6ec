using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Flywheel.Testing;

namespace Flywheel.Deploy.Tests.ArgoCd;

/// <summary>
/// Runs an Argo CD health script with Lua 5.1 the way Argo CD does: the object as the global
/// <c>obj</c>, the script's body as a function whose returned table holds status and message.
/// </summary>
internal static class LuaHealthRunner
{
    public static string HealthDirectory => Path.Combine(TestTools.RepositoryRoot, "deploy", "argocd", "health");

    public static async Task<(string Status, string Message)> RunAsync(string kind, string objectJson)
    {
        var script = await File.ReadAllTextAsync(Path.Combine(HealthDirectory, $"flywheel.dev_{kind}.lua"));
        var program = new StringBuilder()
            .Append("obj = ").Append(ToLua(JsonNode.Parse(objectJson))).Append('\n')
            .Append("local check = function()\n").Append(script).Append("\nend\n")
            .Append("local hs = check()\n")
            .Append("io.write(hs.status, \"\\t\", hs.message)\n")
            .ToString();

        var file = Path.Combine(Path.GetTempPath(), $"flywheel-health-{Guid.NewGuid():N}.lua");
        await File.WriteAllTextAsync(file, program);
        try
        {
            var result = await TestTools.RunAsync(TestTools.Lua, [file], TimeSpan.FromSeconds(30));
            Assert.True(result.ExitCode == 0, result.ToString());
            var parts = result.Stdout.Split('\t', 2);
            return (parts[0], parts.Length > 1 ? parts[1] : string.Empty);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>A Lua table constructor for a JSON value (null becomes nil, as Argo CD's decoder does).</summary>
    public static string ToLua(JsonNode? node) => node switch
    {
        null => "nil",
        JsonObject obj => "{" + string.Join(", ", obj.Select(p => $"[{Quote(p.Key)}] = {ToLua(p.Value)}")) + "}",
        JsonArray array => "{" + string.Join(", ", array.Select(ToLua)) + "}",
        JsonValue value when value.TryGetValue<bool>(out var b) => b ? "true" : "false",
        JsonValue value when value.TryGetValue<string>(out var s) => Quote(s),
        JsonValue value => value.GetValue<double>().ToString("R", CultureInfo.InvariantCulture),
        _ => throw new ArgumentException($"unsupported JSON node {node.GetType().Name}", nameof(node)),
    };

    private static string Quote(string text) =>
        "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "\"";
}
