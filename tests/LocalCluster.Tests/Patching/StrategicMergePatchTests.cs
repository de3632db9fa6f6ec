using System.Text.Json.Nodes;
using Flywheel.ApiServer.Patching;

namespace Flywheel.ApiServer.Tests.Patching;

public sealed class StrategicMergePatchTests
{
    private static string Apply(string target, string patch) =>
        StrategicMergePatch.Apply((JsonObject)JsonNode.Parse(target)!, (JsonObject)JsonNode.Parse(patch)!).ToJsonString();

    [Fact]
    public void Containers_merge_by_name_and_keep_unmentioned_ones()
    {
        var result = Apply(
            """{"containers":[{"name":"a","image":"a:1","env":[{"name":"X","value":"1"}]},{"name":"b","image":"b:1"}]}""",
            """{"containers":[{"name":"a","image":"a:2","env":[{"name":"Y","value":"2"}]}]}""");

        Assert.Equal("""{"containers":[{"name":"a","image":"a:2","env":[{"name":"X","value":"1"},{"name":"Y","value":"2"}]},{"name":"b","image":"b:1"}]}""", result);
    }

    [Fact]
    public void Delete_directive_and_element_order_are_honoured()
    {
        var result = Apply(
            """{"containers":[{"name":"a"},{"name":"b"},{"name":"c"}]}""",
            """{"$setElementOrder/containers":[{"name":"c"},{"name":"a"}],"containers":[{"$patch":"delete","name":"b"}]}""");

        Assert.Equal("""{"containers":[{"name":"c"},{"name":"a"}]}""", result);
    }

    [Fact]
    public void Ports_merge_by_container_port_and_unkeyed_lists_are_replaced()
    {
        var result = Apply(
            """{"ports":[{"containerPort":80,"name":"http"}],"args":["a","b"]}""",
            """{"ports":[{"containerPort":80,"protocol":"TCP"},{"containerPort":443}],"args":["c"]}""");

        Assert.Equal("""{"ports":[{"containerPort":80,"name":"http","protocol":"TCP"},{"containerPort":443}],"args":["c"]}""", result);
    }

    [Fact]
    public void Finalizers_union_and_delete_from_primitive_list_removes()
    {
        var result = Apply(
            """{"metadata":{"finalizers":["a","b"],"labels":{"x":"1","y":"2"}}}""",
            """{"metadata":{"finalizers":["c"],"$deleteFromPrimitiveList/finalizers":["a"],"labels":{"y":null}}}""");

        Assert.Equal("""{"metadata":{"finalizers":["b","c"],"labels":{"x":"1"}}}""", result);
    }

    [Fact]
    public void Replace_directive_swaps_a_map_whole()
    {
        var result = Apply("""{"spec":{"a":1,"b":2}}""", """{"spec":{"$patch":"replace","c":3}}""");

        Assert.Equal("""{"spec":{"c":3}}""", result);
    }
}
