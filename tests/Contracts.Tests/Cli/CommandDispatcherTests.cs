using Flywheel.Contracts.Cli;
using Flywheel.Testing;

namespace Flywheel.Contracts.Tests.Cli;

public sealed class CommandDispatcherTests
{
    private static CommandDispatcher Create() =>
        new CommandDispatcher("tool", "usage text\n")
            .Add("echo", async (args, stdout, _, _) =>
            {
                args.RejectUnknown("text", "times");
                var times = args.GetInt("times", 1);
                for (var i = 0; i < times; i++)
                {
                    await stdout.WriteLineAsync(args.GetOrDefault("text", "nothing"));
                }

                return 0;
            });

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    public async Task Help_prints_the_usage_and_exits_zero(string flag)
    {
        var result = await CliHarness.RunAsync(Create(), flag);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("usage text\n", result.Stdout);
    }

    [Fact]
    public async Task Runs_the_named_command_with_its_options()
    {
        var result = await CliHarness.RunAsync(Create(), "echo", "--text", "hi", "--times=2");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("hi\nhi\n", result.Stdout.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Unknown_command_exits_two_and_lists_the_commands()
    {
        var result = await CliHarness.RunAsync(Create(), "frobnicate");

        Assert.Equal(CommandDispatcher.UsageError, result.ExitCode);
        Assert.Contains("unknown command \"frobnicate\"", result.Stderr);
        Assert.Contains("echo, version", result.Stderr);
    }

    [Fact]
    public async Task Bad_option_value_names_the_option()
    {
        var result = await CliHarness.RunAsync(Create(), "echo", "--times", "many");

        Assert.Equal(CommandDispatcher.UsageError, result.ExitCode);
        Assert.Contains("--times expects a whole number, got \"many\"", result.Stderr);
    }

    [Fact]
    public async Task Unknown_option_is_rejected_by_name()
    {
        var result = await CliHarness.RunAsync(Create(), "echo", "--colour", "red");

        Assert.Equal(CommandDispatcher.UsageError, result.ExitCode);
        Assert.Contains("unknown option --colour", result.Stderr);
    }

    [Fact]
    public void Parses_flags_values_and_positionals()
    {
        var line = CommandLine.Parse(["crds", "--output", "deploy/crds", "--force", "--x=1"]);

        Assert.Equal("crds", line.Command);
        Assert.Equal("deploy/crds", line.Get("output"));
        Assert.True(line.Has("force"));
        Assert.Null(line.Get("force"));
        Assert.Equal("1", line.Get("x"));
    }
}
