using Flywheel.Contracts.Cli;

namespace Flywheel.Testing;

/// <summary>Runs a program's <see cref="CommandDispatcher"/> in-process and captures what it prints.</summary>
public static class CliHarness
{
    public static async Task<ToolResult> RunAsync(CommandDispatcher dispatcher, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await dispatcher.RunAsync(args, stdout, stderr);
        return new ToolResult(code, stdout.ToString(), stderr.ToString());
    }
}
