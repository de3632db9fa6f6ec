namespace Flywheel.Operator.Hosting;

/// <summary>Reads <see cref="OperatorOptions"/> from a config file, the environment and the command line.</summary>
public static class OperatorConfiguration
{
    public const string EnvironmentPrefix = "FLYWHEEL_";

    /// <summary>Layers config file, <c>FLYWHEEL_*</c> environment variables and <c>--Key=value</c> arguments (last wins).</summary>
    public static IConfigurationBuilder AddOperatorSources(this IConfigurationBuilder builder, IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configFile = ConfigFile(args);
        if (configFile is not null)
        {
            if (!File.Exists(configFile))
            {
                throw new OperatorConfigurationException($"--config: file \"{configFile}\" does not exist; pass the path of a JSON settings file.");
            }

            builder.AddJsonFile(Path.GetFullPath(configFile), optional: false, reloadOnChange: false);
        }

        return builder
            .AddEnvironmentVariables(EnvironmentPrefix)
            .AddCommandLine([.. args.Where(a => !a.StartsWith("--config", StringComparison.Ordinal) && a != configFile)]);
    }

    /// <summary>Binds and validates; throws with every problem listed when the settings are invalid.</summary>
    public static OperatorOptions Bind(IConfiguration configuration)
    {
        var options = new OperatorOptions();
        try
        {
            configuration.Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            throw new OperatorConfigurationException($"Invalid operator setting: {ex.Message}", ex);
        }

        var errors = options.Validate();
        return errors.Count == 0
            ? options
            : throw new OperatorConfigurationException("Invalid operator settings:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  - " + e)));
    }

    public static OperatorOptions Load(IReadOnlyList<string> args) =>
        Bind(new ConfigurationBuilder().AddOperatorSources(args).Build());

    private static string? ConfigFile(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i].StartsWith("--config=", StringComparison.Ordinal))
            {
                return args[i]["--config=".Length..];
            }

            if (args[i] == "--config")
            {
                return i + 1 < args.Count ? args[i + 1] : throw new OperatorConfigurationException("--config needs a file path: --config /etc/flywheel/operator.json.");
            }
        }

        return null;
    }
}

/// <summary>Settings a person must fix before the operator can start.</summary>
public sealed class OperatorConfigurationException : Exception
{
    public OperatorConfigurationException()
    {
    }

    public OperatorConfigurationException(string message)
        : base(message)
    {
    }

    public OperatorConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
