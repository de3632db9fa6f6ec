namespace Flywheel.Contracts.Cli;

/// <summary>
/// Parsed <c>command --option value --flag</c> arguments shared by Flywheel's programs.
/// Options may also be given as <c>--option=value</c>.
/// </summary>
public sealed class CommandLine
{
    private readonly Dictionary<string, string?> _options;

    private CommandLine(string? command, Dictionary<string, string?> options, IReadOnlyList<string> positional)
    {
        Command = command;
        _options = options;
        Positional = positional;
    }

    /// <summary>The first argument when it is not an option (for example <c>crds</c> or <c>local</c>).</summary>
    public string? Command { get; }

    /// <summary>Arguments after the command that are not options.</summary>
    public IReadOnlyList<string> Positional { get; }

    /// <summary>True for <c>--help</c>, <c>-h</c> or the <c>help</c> command.</summary>
    public bool WantsHelp => Has("help") || Has("h") || Command == "help";

    public IEnumerable<string> OptionNames => _options.Keys;

    public bool Has(string name) => _options.ContainsKey(name);

    public string? Get(string name) => _options.TryGetValue(name, out var value) ? value : null;

    public string GetOrDefault(string name, string fallback) => Get(name) ?? fallback;

    /// <summary>An integer option, with an error that names the option when the value is not a number.</summary>
    public int GetInt(string name, int fallback)
    {
        var text = Get(name);
        if (text is null)
        {
            return fallback;
        }

        return int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new CommandLineException($"--{name} expects a whole number, got \"{text}\"");
    }

    /// <summary>Fails with a message naming the first option not in <paramref name="known"/>.</summary>
    public void RejectUnknown(params string[] known)
    {
        foreach (var name in _options.Keys)
        {
            if (name is not ("help" or "h") && Array.IndexOf(known, name) < 0)
            {
                throw new CommandLineException($"unknown option --{name}; run with --help to see the options");
            }
        }
    }

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        var options = new Dictionary<string, string?>(StringComparer.Ordinal);
        var positional = new List<string>();
        string? command = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg.StartsWith('-') && arg.Length > 1)
            {
                var name = arg.TrimStart('-');
                var eq = name.IndexOf('=', StringComparison.Ordinal);
                if (eq >= 0)
                {
                    options[name[..eq]] = name[(eq + 1)..];
                }
                else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    options[name] = args[++i];
                }
                else
                {
                    options[name] = null;
                }
            }
            else if (command is null && positional.Count == 0 && options.Count == 0)
            {
                command = arg;
            }
            else
            {
                positional.Add(arg);
            }
        }

        return new CommandLine(command, options, positional);
    }
}

/// <summary>A usage error: the message says which argument is wrong and how to fix it.</summary>
public sealed class CommandLineException(string message) : Exception(message);
