using Flywheel.Testing;

namespace Flywheel.ApiServer.Tests;

/// <summary>The polling helper every test project waits with: it returns what it waited for, and a timeout says why.</summary>
public sealed class PollTests
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task Returns_the_first_value_that_is_done()
    {
        var calls = 0;

        var value = await Poll.UntilAsync(() => Task.FromResult(++calls), n => n >= 3, TimeSpan.FromSeconds(5), "the third call");

        Assert.Equal(3, value);
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task A_timeout_names_what_was_awaited_the_timeout_and_the_last_value()
    {
        var error = await Assert.ThrowsAsync<TimeoutException>(() =>
            Poll.UntilAsync(() => Task.FromResult(new List<string> { "child-1", "kept" }), names => names.Count == 0, Short, "garbage collection"));

        Assert.Equal("Timed out after 0.1 s waiting for: garbage collection; last value: [\"child-1\", \"kept\"]", error.Message);
    }

    [Fact]
    public async Task A_condition_that_never_holds_times_out_without_a_value()
    {
        var error = await Assert.ThrowsAsync<TimeoutException>(() => Poll.UntilAsync(() => false, Short, "the replica leads"));

        Assert.Equal("Timed out after 0.1 s waiting for: the replica leads", error.Message);
    }

    [Fact]
    public async Task Errors_named_by_retryOn_are_polled_through_and_the_last_one_is_reported()
    {
        var calls = 0;
        var value = await Poll.UntilAsync(
            () => ++calls < 3 ? throw new HttpRequestException("connection refused") : Task.FromResult("ready"),
            v => v == "ready",
            TimeSpan.FromSeconds(5),
            "the server",
            retryOn: Poll.IsTransient);
        Assert.Equal("ready", value);

        var error = await Assert.ThrowsAsync<TimeoutException>(() =>
            Poll.UntilAsync(() => Task.FromException<bool>(new IOException("reset")), Short, "the server", retryOn: Poll.IsTransient));
        Assert.Equal("Timed out after 0.1 s waiting for: the server; last error: IOException: reset", error.Message);
        Assert.IsType<IOException>(error.InnerException);
    }

    [Fact]
    public async Task Any_other_error_fails_at_once()
    {
        var calls = 0;

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Poll.UntilAsync(() => ++calls > 0 ? throw new InvalidOperationException("broken") : true, TimeSpan.FromSeconds(5), "the probe"));

        Assert.Equal(1, calls);
    }
}
