using Flywheel.Testing;

namespace Flywheel.Operator.Tests.Crds.Validation;

public sealed class ValidateCommandTests
{
    [Fact]
    public async Task Valid_samples_exit_zero_and_list_each_object()
    {
        var file = Path.Combine(TestTools.RepositoryRoot, "deploy", "samples", "churn", "model.yaml");

        var result = await CliHarness.RunAsync(OperatorCli.Create(), "validate", file);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"{file}: Model/churn: valid", result.Stdout.Trim());
    }

    [Fact]
    public async Task Invalid_manifest_exits_one_with_the_field_path()
    {
        var file = Path.Combine(TestTools.RepositoryRoot, "tests", "Operator.Tests", "Invalid", "deployment-min-above-max.yaml");

        var result = await CliHarness.RunAsync(OperatorCli.Create(), "validate", file);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("ModelDeployment/min-above-max: spec.minReplicas: Invalid value: \"object\": minReplicas must not be greater than maxReplicas", result.Stderr);
    }

    [Fact]
    public async Task Missing_file_is_a_usage_error_naming_it()
    {
        var result = await CliHarness.RunAsync(OperatorCli.Create(), "validate", "/no/such/file.yaml");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("\"/no/such/file.yaml\" does not exist", result.Stderr);
    }
}
