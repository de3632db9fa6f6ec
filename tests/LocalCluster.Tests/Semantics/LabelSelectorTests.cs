using Flywheel.ApiServer.Semantics;

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

    [Fact]
    public void Field_selectors_on_other_fields_say_which_are_supported()
    {
        var error = Assert.Throws<FormatException>(() => FieldSelector.Parse("spec.nodeName=x"));

        Assert.Contains("supported: metadata.name, metadata.namespace", error.Message);
    }
}
