using Flywheel.Operator.Hosting;

namespace Flywheel.Operator.Tests.Hosting;

public sealed class OperatorConfigurationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("flywheel-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Defaults_are_valid()
    {
        var options = OperatorConfiguration.Load([]);

        Assert.Equal(8080, options.Port);
        Assert.True(options.LeaderElection.Enabled);
        Assert.Empty(options.Namespaces);
        Assert.Equal(TimeSpan.FromSeconds(15), options.ToLeaderElectionOptions().LeaseDuration);
    }

    [Fact]
    public void File_then_environment_then_arguments_with_the_last_winning()
    {
        var file = Path.Combine(_dir, "operator.json");
        File.WriteAllText(file, """
            {
              "Port": 9000,
              "ModelStoreClaim": "from-file",
              "PrometheusUrl": "http://from-file:9090",
              "Namespaces": ["ml", "ml-staging"],
              "LeaderElection": { "LeaseNamespace": "from-file" },
              "Images": { "Trainer": "registry/trainer:file" }
            }
            """);
        Environment.SetEnvironmentVariable("FLYWHEEL_ModelStoreClaim", "from-env");
        Environment.SetEnvironmentVariable("FLYWHEEL_LeaderElection__Enabled", "false");
        try
        {
            var options = OperatorConfiguration.Load(["--config", file, "--Port=9100", "--PrometheusUrl=http://from-args:9090"]);

            Assert.Equal(9100, options.Port);
            Assert.Equal("from-env", options.ModelStoreClaim);
            Assert.Equal("http://from-args:9090", options.PrometheusUrl);
            Assert.Equal(["ml", "ml-staging"], options.Namespaces);
            Assert.False(options.LeaderElection.Enabled);
            Assert.Equal("from-file", options.LeaderElection.LeaseNamespace);
            Assert.Equal("registry/trainer:file", options.Images.Trainer);
            Assert.Equal("ghcr.io/flywheel/inference:0.1.0", options.Images.Inference);
        }
        finally
        {
            Environment.SetEnvironmentVariable("FLYWHEEL_ModelStoreClaim", null);
            Environment.SetEnvironmentVariable("FLYWHEEL_LeaderElection__Enabled", null);
        }
    }

    [Fact]
    public void Invalid_settings_list_every_field_and_its_fix()
    {
        var ex = Assert.Throws<OperatorConfigurationException>(() => OperatorConfiguration.Load(
            ["--Port=0", "--Namespaces:0=ML_Prod", "--PrometheusUrl=prometheus:9090", "--LeaderElection:RenewDeadlineSeconds=20", "--Workers=0"]));

        Assert.Contains("Port must be 1-65535, got 0", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Namespaces contains \"ML_Prod\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains("PrometheusUrl \"prometheus:9090\" is not an http(s) URL", ex.Message, StringComparison.Ordinal);
        Assert.Contains("RenewDeadlineSeconds (20) must be less than LeaseDurationSeconds (15)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Workers must be at least 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_of_the_wrong_type_names_the_key()
    {
        var ex = Assert.Throws<OperatorConfigurationException>(() => OperatorConfiguration.Load(["--Port=eighty"]));

        Assert.Contains("Port", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_config_file_is_named()
    {
        var ex = Assert.Throws<OperatorConfigurationException>(() => OperatorConfiguration.Load(["--config", Path.Combine(_dir, "absent.json")]));

        Assert.Contains("absent.json\" does not exist", ex.Message, StringComparison.Ordinal);
    }
}
