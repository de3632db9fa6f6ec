using System.Diagnostics;

namespace Flywheel.Testing;

/// <summary>
/// Finds the real tools the tests drive. kubectl and helm come from <c>scripts/install-test-tools.sh</c>
/// (into <c>.tools/bin</c>, or the folder named by <c>FLYWHEEL_TOOLS_DIR</c>); Debian's prometheus,
/// promtool, lua5.1 and wrk are looked up there first, then on PATH.
/// </summary>
public static class TestTools
{
    public const string ToolsDirVariable = "FLYWHEEL_TOOLS_DIR";

    public static string Kubectl => Require("kubectl");

    public static string Helm => Require("helm");

    public static string Prometheus => Require("prometheus");

    public static string Promtool => Require("promtool");

    public static string Lua => Require("lua5.1");

    public static string Wrk => Require("wrk");

    /// <summary>The repository root: the folder above the test binaries that holds Operator.sln.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The folder the install script fills.</summary>
    public static string ToolsDirectory =>
        Environment.GetEnvironmentVariable(ToolsDirVariable) is { Length: > 0 } dir
            ? dir
            : Path.Combine(RepositoryRoot, ".tools", "bin");

    /// <summary>The full path of a tool, or null when it is not installed.</summary>
    public static string? Find(string name)
    {
        var local = Path.Combine(ToolsDirectory, name);
        if (File.Exists(local))
        {
            return local;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>The full path of a tool; fails with the command that installs it.</summary>
    public static string Require(string name) =>
        Find(name) ?? throw new InvalidOperationException(
            $"{name} is not installed: run scripts/install-test-tools.sh (it fills {ToolsDirectory}) or set {ToolsDirVariable}");

    /// <summary>Runs a tool to completion and returns its exit code and output; kills it at the deadline.</summary>
    public static async Task<ToolResult> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan? timeout = null, IDictionary<string, string>? environment = null, string? stdin = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                info.Environment[key] = value;
            }
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }

        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(fileName)} {string.Join(' ', info.ArgumentList)} did not finish within {timeout ?? TimeSpan.FromMinutes(2)}");
        }

        return new ToolResult(process.ExitCode, await stdout, await stderr);
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Operator.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Operator.sln above {AppContext.BaseDirectory}");
    }
}

/// <summary>What a tool printed and how it exited.</summary>
public sealed record ToolResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}
