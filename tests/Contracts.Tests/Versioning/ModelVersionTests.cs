using System.Text.RegularExpressions;
using Flywheel.Contracts.Versioning;

namespace Flywheel.Contracts.Tests.Versioning;

public sealed class ModelVersionTests
{
    [Theory]
    [InlineData("1.0", 1, 0)]
    [InlineData("1.1", 1, 1)]
    [InlineData("2.0", 2, 0)]
    [InlineData("10.27", 10, 27)]
    [InlineData("0.3", 0, 3)]
    public void Parses_major_dot_minor(string text, int major, int minor)
    {
        var version = ModelVersion.Parse(text);

        Assert.Equal(new ModelVersion(major, minor), version);
        Assert.Equal(text, version.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("1")]
    [InlineData("1.")]
    [InlineData(".1")]
    [InlineData("1.0.0")]
    [InlineData("01.0")]
    [InlineData("v1.0")]
    [InlineData("1.-1")]
    [InlineData("1.a")]
    [InlineData("1234567.0")]
    public void Rejects_other_forms_with_a_message_naming_the_expected_form(string text)
    {
        Assert.False(ModelVersion.TryParse(text, out _));
        var error = Assert.Throws<FormatException>(() => ModelVersion.Parse(text));
        Assert.Contains("MAJOR.MINOR", error.Message);
    }

    [Theory]
    [InlineData("1.0")]
    [InlineData("12.345")]
    [InlineData("1.0.0")]
    [InlineData("01.0")]
    [InlineData("1")]
    public void The_api_pattern_agrees_with_the_parser(string text)
    {
        Assert.Equal(ModelVersion.TryParse(text, out _), Regex.IsMatch(text, ModelVersion.Pattern));
    }

    [Fact]
    public void Retraining_follows_one_point_zero_to_one_point_one_to_two_point_zero()
    {
        var first = ModelVersion.Initial;
        var retrained = first.Next(schemaChanged: false);
        var newSchema = retrained.Next(schemaChanged: true);

        Assert.Equal("1.0", first.ToString());
        Assert.Equal("1.1", retrained.ToString());
        Assert.Equal("2.0", newSchema.ToString());
    }

    [Fact]
    public void Orders_numerically_not_textually()
    {
        var versions = new[] { "1.10", "2.0", "1.2", "1.9" }.Select(ModelVersion.Parse).Order().Select(v => v.ToString());

        Assert.Equal(["1.2", "1.9", "1.10", "2.0"], versions);
        Assert.True(ModelVersion.Parse("1.10") > ModelVersion.Parse("1.9"));
    }
}
