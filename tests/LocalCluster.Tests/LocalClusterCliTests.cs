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

    [Fact]
    public async Task Serve_rejects_a_port_out_of_range_naming_the_option()
    {
        var result = await CliHarness.RunAsync(LocalClusterCli.Create(), "serve", "--port", "70000");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--port must be between 0 and 65535, got 70000", result.Stderr);
    }

    [Fact]
    public async Task Serve_rejects_unknown_options()
    {
        var result = await CliHarness.RunAsync(LocalClusterCli.Create(), "--prot", "6443");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("unknown option --prot", result.Stderr);
    }
}
