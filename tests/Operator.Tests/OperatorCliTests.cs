using Flywheel.Testing;

namespace Flywheel.Operator.Tests;

public sealed class OperatorCliTests
{
    [Fact]
    public async Task Help_describes_the_program_and_its_commands()
    {
        var result = await CliHarness.RunAsync(OperatorCli.Create(), "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("flywheel-operator — ", result.Stdout);
        Assert.Contains("Usage:", result.Stdout);
        Assert.Equal(OperatorCli.Usage, result.Stdout);
    }

    [Fact]
    public async Task Version_prints_the_product_version()
    {
        var result = await CliHarness.RunAsync(OperatorCli.Create(), "version");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"^flywheel-operator \d+\.\d+\.\d+", result.Stdout);
    }

    [Fact]
    public async Task Unknown_command_is_a_usage_error()
    {
        var result = await CliHarness.RunAsync(OperatorCli.Create(), "no-such-command");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("unknown command \"no-such-command\"", result.Stderr);
    }
}
