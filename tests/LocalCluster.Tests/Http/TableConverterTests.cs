using System.Text.Json.Nodes;
using Flywheel.ApiServer.Http;

namespace Flywheel.ApiServer.Tests.Http;

public sealed class TableConverterTests
{
    [Theory]
    [InlineData(5, "5s")]
    [InlineData(119, "119s")]
    [InlineData(125, "2m5s")]
    [InlineData(600, "10m")]
    [InlineData(3 * 3600 + 120, "3h2m")]
    [InlineData(30 * 3600, "30h")]
    [InlineData(3 * 86400 + 3600, "3d1h")]
    [InlineData(40 * 86400, "40d")]
    public void Ages_print_as_kubectl_prints_them(int seconds, string expected) =>
        Assert.Equal(expected, TableConverter.HumanDuration(TimeSpan.FromSeconds(seconds)));

    [Theory]
    [InlineData(".spec.size", "\"small\"")]
    [InlineData(".status.conditions[?(@.type==\"Ready\")].status", "\"True\"")]
    [InlineData(".status.conditions[0].type", "\"Synced\"")]
    [InlineData(".status.conditions[*].type", "\"Synced\"")]
    [InlineData(".spec.missing", "null")]
    public void Printer_column_paths_find_values(string path, string expected)
    {
        var obj = JsonNode.Parse("""{"spec":{"size":"small"},"status":{"conditions":[{"type":"Synced","status":"False"},{"type":"Ready","status":"True"}]}}""");

        Assert.Equal(expected, JsonPathLite.First(obj, path)?.ToJsonString() ?? "null");
    }
}
