using Flywheel.Operator.Api.V1Alpha1;
using Flywheel.Operator.Crds;
using Flywheel.Testing;

namespace Flywheel.Operator.Tests.Crds;

public sealed class CrdFreshnessTests
{
    private const string Regenerate = "dotnet run --project src/Operator -- crds --output deploy/crds";

    [Fact]
    public void Checked_in_crds_equal_the_generator_output()
    {
        var directory = Path.Combine(TestTools.RepositoryRoot, "deploy", "crds");
        var expected = CrdWriter.RenderAll(CrdGenerator.CreateDefault(), FlywheelApi.Kinds);

        var present = Directory.GetFiles(directory, "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.True(
            expected.Select(e => e.FileName).Order(StringComparer.Ordinal).SequenceEqual(present),
            $"deploy/crds holds [{string.Join(", ", present)}] but the generator writes [{string.Join(", ", expected.Select(e => e.FileName))}]; run `{Regenerate}`");
        foreach (var (fileName, content) in expected)
        {
            var actual = File.ReadAllText(Path.Combine(directory, fileName));
            Assert.True(content == actual, $"deploy/crds/{fileName} differs from the API types; run `{Regenerate}`");
        }
    }

    [Fact]
    public void Generation_is_deterministic()
    {
        var first = CrdWriter.RenderAll(CrdGenerator.CreateDefault(), FlywheelApi.Kinds);
        var second = CrdWriter.RenderAll(CrdGenerator.CreateDefault(), FlywheelApi.Kinds);

        Assert.Equal(first, second);
    }
}
