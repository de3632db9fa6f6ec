using Flywheel.Testing;

namespace Flywheel.ApiServer.Tests;

public sealed class LocalClusterCliTests
{
    [Fact]
    public async Task Help_describes_the_program_and_its_commands()
    {
        var result = await CliHarness.RunAsync(LocalClusterCli.Create(), "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("flywheel-localcluster — ", result.Stdout);
        Assert.Contains("Usage:", result.Stdout);
        Assert.Equal(LocalClusterCli.Usage, result.Stdout);
    }

    [Fact]
    public async Task Version_prints_the_product_version()
    {
        var result = await CliHarness.RunAsync(LocalClusterCli.Create(), "version");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"^flywheel-localcluster \d+\.\d+\.\d+", result.Stdout);
    }

    [Fact]
    public async Task Unknown_command_is_a_usage_error()
    {
        var result = await CliHarness.RunAsync(LocalClusterCli.Create(), "no-such-command");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("unknown command \"no-such-command\"", result.Stderr);
    }
}
