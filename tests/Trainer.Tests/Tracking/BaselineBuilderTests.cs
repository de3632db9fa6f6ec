using Flywheel.Trainer.Tracking;

namespace Flywheel.Trainer.Tests.Tracking;

public sealed class BaselineBuilderTests
{
    [Fact]
    public void Numeric_baseline_has_nine_inner_decile_edges_and_ten_equal_bins_for_uniform_data()
    {
        var values = Enumerable.Range(0, 1000).Select(i => (double)i).ToArray();

        var baseline = BaselineBuilder.Numeric("x", values);

        Assert.Equal([100, 200, 300, 400, 500, 600, 700, 800, 900], baseline.BinEdges);
        Assert.All(baseline.Frequencies!, f => Assert.Equal(0.1, f));
    }

    [Fact]
    public void Repeated_values_merge_edges_and_outer_bins_are_open()
    {
        double[] values = [.. Enumerable.Repeat(1.0, 80), .. Enumerable.Repeat(5.0, 20)];

        var baseline = BaselineBuilder.Numeric("x", values);

        Assert.Equal([1.0, 5.0], baseline.BinEdges);
        Assert.Equal([0.0, 0.8, 0.2], baseline.Frequencies);
        Assert.Equal(0, BaselineBuilder.BinOf(baseline.BinEdges!, -100));
        Assert.Equal(2, BaselineBuilder.BinOf(baseline.BinEdges!, 1e9));
    }
}
