using System.Reflection;

namespace Flywheel.Contracts.Cli;

/// <summary>A program command: reads its options and returns the process exit code.</summary>
public delegate Task<int> CommandHandler(CommandLine args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken);

/// <summary>
/// Runs one of a program's commands: <c>--help</c> prints the usage (exit 0), an unknown command or a
/// <see cref="CommandLineException"/> prints the reason and the usage hint (exit 2).
/// </summary>
public sealed class CommandDispatcher(string programName, string usage, string? defaultCommand = null)
{
    private readonly Dictionary<string, CommandHandler> _commands = new(StringComparer.Ordinal);

    /// <summary>Exit code for a usage error or invalid input.</summary>
    public const int UsageError = 2;

    public CommandDispatcher Add(string name, CommandHandler handler)
    {
        _commands.Add(name, handler);
        return this;
    }

    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        CommandLine parsed;
        try
        {
            parsed = CommandLine.Parse(args);
        }
        catch (CommandLineException ex)
        {
            await stderr.WriteLineAsync($"{programName}: {ex.Message}");
            return UsageError;
        }

        if (parsed.WantsHelp || (parsed.Command is null && defaultCommand is null))
        {
            await stdout.WriteAsync(usage);
            return 0;
        }

        if (parsed.Command == "version" || parsed.Has("version"))
        {
            await stdout.WriteLineAsync($"{programName} {InformationalVersion}");
            return 0;
        }

        var name = parsed.Command ?? defaultCommand!;
        if (!_commands.TryGetValue(name, out var handler))
        {
            await stderr.WriteLineAsync($"{programName}: unknown command \"{name}\"; commands: {string.Join(", ", _commands.Keys.Append("version"))}. Run {programName} --help for usage.");
            return UsageError;
        }

        try
        {
            return await handler(parsed, stdout, stderr, cancellationToken);
        }
        catch (CommandLineException ex)
        {
            await stderr.WriteLineAsync($"{programName} {name}: {ex.Message}");
            return UsageError;
        }
    }

    /// <summary>The product version, without the source revision suffix.</summary>
    public static string InformationalVersion { get; } =
        (typeof(CommandDispatcher).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0")
            .Split('+')[0];
}
