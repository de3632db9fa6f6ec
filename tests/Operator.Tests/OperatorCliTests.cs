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
        Assert.Contains("crds [--output DIR]", result.Stdout);
        Assert.Contains("validate FILE...", result.Stdout);
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

    [Fact]
    public async Task Crds_writes_one_file_per_kind()
    {
        var dir = Directory.CreateTempSubdirectory("flywheel-crds-");
        try
        {
            var result = await CliHarness.RunAsync(OperatorCli.Create(), "crds", "--output", dir.FullName);

            Assert.Equal(0, result.ExitCode);
            Assert.Equal(
                ["flywheel.dev_modeldeployments.yaml", "flywheel.dev_models.yaml", "flywheel.dev_retrainpolicies.yaml", "flywheel.dev_trainingruns.yaml"],
                dir.GetFiles().Select(f => f.Name).Order(StringComparer.Ordinal));
            Assert.Contains("kind: CustomResourceDefinition", File.ReadAllText(Path.Combine(dir.FullName, "flywheel.dev_models.yaml")));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Crds_without_output_prints_one_stream()
    {
        var result = await CliHarness.RunAsync(OperatorCli.Create(), "crds");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(4, result.Stdout.Split("kind: CustomResourceDefinition").Length - 1);
        Assert.Equal(3, result.Stdout.Split("\n---\n").Length - 1);
    }

    [Fact]
    public async Task Crds_rejects_an_unknown_option_by_name()
    {
        var result = await CliHarness.RunAsync(OperatorCli.Create(), "crds", "--out", "x");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("unknown option --out", result.Stderr);
    }

    [Fact]
    public async Task Validate_without_files_says_what_to_pass()
    {
        var result = await CliHarness.RunAsync(OperatorCli.Create(), "validate");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("needs at least one manifest file", result.Stderr);
    }
}
