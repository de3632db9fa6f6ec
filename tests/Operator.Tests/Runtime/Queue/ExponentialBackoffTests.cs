using Flywheel.Operator.Runtime.Queue;

namespace Flywheel.Operator.Tests.Runtime.Queue;

public sealed class ExponentialBackoffTests
{
    [Fact]
    public void Delay_doubles_per_failure_from_the_base()
    {
        var backoff = ExponentialBackoff<string>.Default();

        var delays = Enumerable.Range(0, 5).Select(_ => backoff.NextDelay("a")).ToArray();

        Assert.Equal(
            new[] { 5, 10, 20, 40, 80 }.Select(ms => TimeSpan.FromMilliseconds(ms)),
            delays);
        Assert.Equal(5, backoff.Failures("a"));
    }

    [Fact]
    public void Delay_is_capped_at_the_maximum()
    {
        var backoff = ExponentialBackoff<string>.Default();

        var last = TimeSpan.Zero;
        for (var i = 0; i < 100; i++)
        {
            last = backoff.NextDelay("a");
        }

        Assert.Equal(TimeSpan.FromSeconds(1000), last);
    }

    [Fact]
    public void Items_back_off_independently_and_reset_on_forget()
    {
        var backoff = new ExponentialBackoff<string>(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        backoff.NextDelay("a");
        backoff.NextDelay("a");

        Assert.Equal(TimeSpan.FromSeconds(1), backoff.NextDelay("b"));
        Assert.Equal(TimeSpan.FromSeconds(4), backoff.NextDelay("a"));

        backoff.Reset("a");

        Assert.Equal(0, backoff.Failures("a"));
        Assert.Equal(TimeSpan.FromSeconds(1), backoff.NextDelay("a"));
    }

    [Fact]
    public void Invalid_bounds_name_the_parameter()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialBackoff<string>(TimeSpan.Zero, TimeSpan.FromSeconds(1)));
        Assert.Equal("baseDelay", ex.ParamName);
        ex = Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialBackoff<string>(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1)));
        Assert.Equal("maxDelay", ex.ParamName);
    }
}
