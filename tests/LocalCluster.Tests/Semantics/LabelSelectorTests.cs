using System.Text.Json.Nodes;
using Flywheel.ApiServer.Semantics;
using Flywheel.ApiServer.Storage;

namespace Flywheel.ApiServer.Tests.Semantics;

public sealed class LabelSelectorTests
{
    private static readonly Dictionary<string, string> Labels = new() { ["app"] = "web", ["tier"] = "front", ["env"] = "prod" };

    [Theory]
    [InlineData("", true)]
    [InlineData("app=web", true)]
    [InlineData("app==web,tier=front", true)]
    [InlineData("app=api", false)]
    [InlineData("app!=api", true)]
    [InlineData("missing!=x", true)]
    [InlineData("env in (prod, staging)", true)]
    [InlineData("env in (dev)", false)]
    [InlineData("env notin (dev,test),app", true)]
    [InlineData("env notin (prod)", false)]
    [InlineData("tier", true)]
    [InlineData("!tier", false)]
    [InlineData("!missing", true)]
    public void Matches_like_the_api_server(string selector, bool expected) =>
        Assert.Equal(expected, LabelSelector.Parse(selector).Matches(Labels));

    [Fact]
    public void Unparseable_selector_names_the_part()
    {
        var error = Assert.Throws<FormatException>(() => LabelSelector.Parse("env in prod"));

        Assert.Contains("env in prod", error.Message);
    }

    [Theory]
    [InlineData("metadata.name=ev1", true)]
    [InlineData("metadata.namespace!=default", false)]
    [InlineData("involvedObject.kind=Model,involvedObject.name=churn", true)]
    [InlineData("involvedObject.name==other", false)]
    [InlineData("reason!=Promoted", true)]
    [InlineData("source.component=", true)]
    public void Field_selectors_read_any_dotted_path(string selector, bool expected)
    {
        var obj = StoredObject.From((JsonObject)JsonNode.Parse("""{"metadata":{"name":"ev1","namespace":"default"},"involvedObject":{"kind":"Model","name":"churn"},"reason":"Trained"}""")!, 1);

        Assert.Equal(expected, FieldSelector.Parse(selector).Matches(obj));
    }

    [Fact]
    public void A_field_selector_without_an_operator_says_what_is_expected()
    {
        var error = Assert.Throws<FormatException>(() => FieldSelector.Parse("metadata.name"));

        Assert.Contains("expected <field>=<value>", error.Message);
    }
}
