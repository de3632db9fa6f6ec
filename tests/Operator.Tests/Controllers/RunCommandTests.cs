using Flywheel.Testing;

namespace Flywheel.Operator.Tests.Controllers;

public sealed class RunCommandTests
{
    [Fact]
    public async Task Run_is_listed_in_the_help()
    {
        var result = await CliHarness.RunAsync(OperatorCli.Create(), "--help");

        Assert.Contains("run [--Key=value...]", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_with_bad_settings_names_the_key_and_the_fix()
    {
        var result = await CliHarness.RunAsync(OperatorCli.Create(), "run", "--Port=70000", "--PrometheusUrl=ftp://prometheus");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Port must be 1-65535, got 70000", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("PrometheusUrl \"ftp://prometheus\" is not an http(s) URL", result.Stderr, StringComparison.Ordinal);
    }
}
