using Flywheel.Testing;

namespace Flywheel.ApiServer.Tests;

/// <summary>The clients that judge LocalCluster's fidelity are installed at the versions the tests expect.</summary>
public sealed class TestToolsTests
{
    [Fact]
    public async Task Kubectl_is_the_1_35_client()
    {
        var result = await TestTools.RunAsync(TestTools.Kubectl, ["version", "--client", "-o", "json"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("\"gitVersion\": \"v1.35.", result.Stdout);
    }

    [Fact]
    public async Task Helm_is_version_4_1()
    {
        var result = await TestTools.RunAsync(TestTools.Helm, ["version", "--short"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("v4.1.", result.Stdout);
    }
}
