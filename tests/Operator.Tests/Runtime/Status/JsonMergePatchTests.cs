using System.Text.Json.Nodes;
using Flywheel.Operator.Runtime.Status;

namespace Flywheel.Operator.Tests.Runtime.Status;

public sealed class JsonMergePatchTests
{
    [Theory]
    [InlineData("""{"a":1,"b":{"c":2}}""", """{"b":{"c":2},"a":1}""", true)]
    [InlineData("""{"a":1,"x":null}""", """{"a":1}""", true)]
    [InlineData("""{"a":[1,2]}""", """{"a":[2,1]}""", false)]
    [InlineData("""{"a":1}""", """{"a":"1"}""", false)]
    public void Semantic_equality_ignores_order_and_nulls_only(string a, string b, bool equal) =>
        Assert.Equal(equal, JsonMergePatch.SemanticallyEqual(JsonNode.Parse(a), JsonNode.Parse(b)));

    [Theory]
    [InlineData("""{"a":1,"b":{"c":2,"d":3}}""", """{"a":1,"b":{"c":5}}""", """{"b":{"c":5,"d":null}}""")]
    [InlineData("""{"list":[1]}""", """{"list":[1,2]}""", """{"list":[1,2]}""")]
    [InlineData("""{}""", """{"new":{"x":true}}""", """{"new":{"x":true}}""")]
    public void Diff_is_the_minimal_merge_patch(string from, string to, string expected) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonMergePatch.Diff(JsonNode.Parse(from), JsonNode.Parse(to))));
}
