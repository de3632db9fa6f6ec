using System.Text.Json.Nodes;
using k8s;

namespace Flywheel.Operator.Tests.Builders;

/// <summary>Whole-object equality of a built Kubernetes object and its expected JSON, with a readable diff on failure.</summary>
internal static class JsonAssert
{
    public static void Equal(JsonNode expected, object actual)
    {
        var actualNode = JsonNode.Parse(KubernetesJson.Serialize(actual))!;
        var expectedText = Normalize(expected).ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
        var actualText = Normalize(actualNode).ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
        Assert.Equal(expectedText, actualText);
    }

    public static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    /// <summary>Drops nulls and sorts object keys, so that only content counts.</summary>
    private static JsonNode Normalize(JsonNode node) => node switch
    {
        JsonObject obj => new JsonObject(obj.Where(p => p.Value is not null).OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, (JsonNode?)Normalize(p.Value!)))),
        JsonArray array => new JsonArray([.. array.Select(n => n is null ? null : Normalize(n))]),
        _ => JsonNode.Parse(node.ToJsonString())!,
    };
}
