using Flywheel.Contracts.Cli;
using Flywheel.InferenceServer.Hosting;
using Flywheel.InferenceServer.Tests.Support;
using Flywheel.Testing;

namespace Flywheel.InferenceServer.Tests;

[Collection(ServerCollection.Name)]
public sealed class InferenceServerCliTests(ModelStore store)
{
    [Fact]
    public async Task Help_describes_the_program_and_its_commands()
    {
        var result = await CliHarness.RunAsync(InferenceServerCli.Create(), "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("flywheel-inference — ", result.Stdout);
        Assert.Contains("serve", result.Stdout);
        Assert.Contains("--version-file", result.Stdout);
        Assert.Equal(InferenceServerCli.Usage, result.Stdout);
    }

    [Fact]
    public async Task Version_prints_the_product_version()
    {
        var result = await CliHarness.RunAsync(InferenceServerCli.Create(), "version");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"^flywheel-inference \d+\.\d+\.\d+", result.Stdout);
    }

    [Fact]
    public async Task Unknown_command_is_a_usage_error()
    {
        var result = await CliHarness.RunAsync(InferenceServerCli.Create(), "no-such-command");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("unknown command \"no-such-command\"", result.Stderr);
    }

    [Fact]
    public async Task Serve_without_a_model_directory_names_the_option_and_its_variable()
    {
        var result = await CliHarness.RunAsync(InferenceServerCli.Create(), "serve", "--model-name", "movies");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--model-dir is required (or set FLYWHEEL_MODEL_DIR)", result.Stderr);
    }

    [Fact]
    public async Task Serve_with_a_tampered_model_exits_1_with_the_reason()
    {
        var dir = store.CopyBinary();
        await File.AppendAllTextAsync(Path.Combine(dir, "1.0", "model.onnx"), "x");

        var result = await CliHarness.RunAsync(InferenceServerCli.Create(), "serve", "--model-dir", dir, "--model-name", "movies", "--model-version", "1.0", "--port", "0", "--host", "127.0.0.1");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("sha256", result.Stderr);
    }

    [Fact]
    public void Options_come_from_arguments_first_then_the_environment()
    {
        var env = new Dictionary<string, string>
        {
            ["FLYWHEEL_MODEL_DIR"] = store.BinaryDirectory,
            ["FLYWHEEL_MODEL_NAME"] = "movies",
            ["FLYWHEEL_MODEL_VERSION"] = "1.0",
            ["FLYWHEEL_PORT"] = "9000",
            ["FLYWHEEL_EXECUTION_PROVIDER"] = "cpu",
            ["FLYWHEEL_MONITORING_WINDOW"] = "500",
        };
        var options = ServerOptions.From(CommandLine.Parse(["serve", "--port", "9100", "--max-batch-size", "8", "--drift-method", "wasserstein"]), env.GetValueOrDefault);

        Assert.Equal(9100, options.Port);
        Assert.Equal("movies", options.ModelName);
        Assert.Equal(ExecutionProviderChoice.Cpu, options.ExecutionProvider);
        Assert.Equal(500, options.MonitoringWindow);
        Assert.Equal(8, options.MaxBatchSize);
        Assert.Equal(Contracts.Monitoring.DriftMethod.Wasserstein, options.DriftMethod);
    }

    [Theory]
    [InlineData("--execution-provider", "tpu", "--execution-provider expects auto, cuda or cpu")]
    [InlineData("--max-batch-size", "0", "--max-batch-size expects a whole number of at least 1")]
    [InlineData("--monitoring", "maybe", "--monitoring expects on or off")]
    [InlineData("--drift-method", "kl", "psi, jensenShannon or wasserstein")]
    [InlineData("--colour", "red", "unknown option --colour")]
    public void Bad_options_name_the_option_and_the_fix(string option, string value, string message)
    {
        var error = Assert.Throws<CommandLineException>(() => ServerOptions.From(
            CommandLine.Parse(["serve", "--model-dir", store.BinaryDirectory, "--model-name", "m", "--model-version", "1.0", option, value]), _ => null));
        Assert.Contains(message, error.Message);
    }
}
