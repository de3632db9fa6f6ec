using System.Text.Json.Nodes;
using Flywheel.Testing;

namespace Flywheel.Deploy.Tests.Crds;

/// <summary>The generated CRDs and the samples, as a user meets them through the real kubectl.</summary>
public sealed class CrdKubectlTests(CrdClusterFixture cluster) : IClassFixture<CrdClusterFixture>
{
    public static TheoryData<string> InvalidExamples()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(TestTools.RepositoryRoot, "tests", "Operator.Tests", "Invalid"), "*.yaml").Order())
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Fact]
    public void Apply_creates_the_four_crds_and_every_sample()
    {
        Assert.Equal(4, cluster.CrdApplyOutput.Split('\n').Count(l => l.EndsWith(".flywheel.dev created", StringComparison.Ordinal)));
        var samples = Directory.GetFiles(cluster.SampleDirectory, "*.yaml", SearchOption.AllDirectories).Length;
        Assert.Equal(samples, cluster.SampleApplyOutput.Split('\n').Count(l => l.EndsWith(" created", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Applying_the_samples_again_changes_nothing()
    {
        var again = await cluster.Kube.KubectlOkAsync("apply", "-R", "-f", cluster.SampleDirectory);

        var lines = again.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        Assert.All(lines, line => Assert.EndsWith(" unchanged", line));
    }

    [Theory]
    [InlineData("mdl", "model.flywheel.dev/churn")]
    [InlineData("trun", "trainingrun.flywheel.dev/churn-manual-1")]
    [InlineData("mdep", "modeldeployment.flywheel.dev/movie-genres")]
    [InlineData("rtp", "retrainpolicy.flywheel.dev/movie-genres")]
    public async Task Short_names_list_the_kind(string shortName, string expected)
    {
        var names = await cluster.Kube.KubectlOkAsync("get", shortName, "-o", "name");

        Assert.Contains(expected, names.Split('\n'));
    }

    [Fact]
    public async Task The_flywheel_category_lists_every_kind()
    {
        var names = (await cluster.Kube.KubectlOkAsync("get", "flywheel", "-o", "name")).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(
            ["model.flywheel.dev", "modeldeployment.flywheel.dev", "retrainpolicy.flywheel.dev", "trainingrun.flywheel.dev"],
            names.Select(n => n.Split('/')[0]).Distinct().Order());
        Assert.Equal(Directory.GetFiles(cluster.SampleDirectory, "*.yaml", SearchOption.AllDirectories).Length, names.Length);
    }

    [Theory]
    [InlineData("models", "NAME TASK LATEST PROMOTED METRIC AGE")]
    [InlineData("trainingruns", "NAME MODEL REASON PHASE VERSION METRIC AGE")]
    [InlineData("modeldeployments", "NAME MODEL VERSION READY REPLICAS AGE")]
    [InlineData("retrainpolicies", "NAME MODEL LAST TRIGGER LAST RUN NEXT RUN AGE")]
    public async Task Get_shows_the_printer_columns(string plural, string header)
    {
        var table = await cluster.Kube.KubectlOkAsync("get", plural);

        var first = table.Split('\n')[0];
        Assert.Equal(header, string.Join(' ', first.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Fact]
    public async Task Printer_columns_show_values_the_status_sets()
    {
        await cluster.Kube.KubectlOkAsync(
            "patch", "model", "churn", "--subresource=status", "--type=merge",
            "-p", """{"status":{"latestVersion":"1.1","promotedVersion":"1.0"}}""");

        var row = (await cluster.Kube.KubectlOkAsync("get", "model", "churn", "--no-headers")).Split(' ', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(["churn", "binaryClassification", "1.1", "1.0"], row[..4]);
    }

    [Fact]
    public async Task Defaults_from_the_schema_are_applied()
    {
        var model = JsonNode.Parse(await cluster.Kube.KubectlOkAsync("get", "model", "movie-genres", "-o", "json"))!;

        Assert.NotNull(model["spec"]!["versionsToKeep"]);
        Assert.NotNull(model["spec"]!["promotion"]?["mode"]);
    }

    [Fact]
    public async Task Explain_prints_the_field_documentation()
    {
        var text = await cluster.Kube.KubectlOkAsync("explain", "models.spec.data.source");

        Assert.Contains("FIELD: source <string>", text);
        Assert.Contains("pvc://claim/path", text);
    }

    [Theory]
    [MemberData(nameof(InvalidExamples))]
    public async Task Invalid_examples_are_rejected_with_their_field_path(string file)
    {
        var path = Path.Combine(TestTools.RepositoryRoot, "tests", "Operator.Tests", "Invalid", file);
        var expected = File.ReadLines(path).First()["# expect: ".Length..].Trim();

        var result = await cluster.Kube.KubectlAsync("apply", "-f", path);

        Assert.True(result.ExitCode != 0, $"{file} was accepted: {result}");
        Assert.Contains(expected + ":", result.Stderr);
        Assert.Contains("is invalid", result.Stderr);
    }
}
