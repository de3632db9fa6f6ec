using System.Globalization;
using System.Text.Json.Nodes;
using Flywheel.Testing;
using YamlDotNet.RepresentationModel;

namespace Flywheel.Deploy.Tests.Helm;

/// <summary>Renders the chart with the real helm and reads the manifests as JSON nodes.</summary>
internal static class RenderedManifests
{
    public static string ChartDirectory => Path.Combine(TestTools.RepositoryRoot, "deploy", "helm", "flywheel");

    public static readonly string[] EveryFeature =
    [
        "--set", "prometheus.serviceMonitor.enabled=true",
        "--set", "prometheus.podMonitor.enabled=true",
        "--set", "prometheus.rules.enabled=true",
        "--set", "grafana.dashboards.enabled=true",
        "--set", "operator.referencedSecrets[0]=s3-credentials",
        "--set", "prometheus.url=http://prometheus.monitoring:9090",
        "--set", "operator.otlpEndpoint=http://otel-collector.monitoring:4317",
    ];

    public static async Task<ToolResult> TemplateRawAsync(params string[] extra) =>
        await TestTools.RunAsync(TestTools.Helm, ["template", "flywheel", ChartDirectory, "--namespace", "flywheel-system", .. extra]);

    public static async Task<IReadOnlyList<JsonObject>> TemplateAsync(params string[] extra)
    {
        var result = await TemplateRawAsync(extra);
        Assert.True(result.ExitCode == 0, result.ToString());
        return Parse(result.Stdout);
    }

    public static IReadOnlyList<JsonObject> Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents
            .Where(d => d.RootNode is YamlMappingNode { Children.Count: > 0 })
            .Select(d => (JsonObject)ToJson(d.RootNode)!)
            .ToArray();
    }

    public static JsonObject Single(this IReadOnlyList<JsonObject> manifests, string kind, string? nameContains = null) =>
        manifests.Single(m => (string?)m["kind"] == kind && (nameContains is null || ((string)m["metadata"]!["name"]!).Contains(nameContains, StringComparison.Ordinal)));

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(kv => KeyValuePair.Create(((YamlScalarNode)kv.Key).Value!, ToJson(kv.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value;
        if (scalar.Style is YamlDotNet.Core.ScalarStyle.SingleQuoted or YamlDotNet.Core.ScalarStyle.DoubleQuoted
            or YamlDotNet.Core.ScalarStyle.Literal or YamlDotNet.Core.ScalarStyle.Folded)
        {
            return JsonValue.Create(value);
        }

        return value switch
        {
            null or "null" or "~" => null,
            "true" => JsonValue.Create(true),
            "false" => JsonValue.Create(false),
            _ when long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) => JsonValue.Create(l),
            _ => JsonValue.Create(value),
        };
    }
}
