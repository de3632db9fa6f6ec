using Flywheel.Contracts.Monitoring;

namespace Flywheel.InferenceServer.Tests.Monitoring;

public sealed class DriftMathTests
{
    [Theory]
    [InlineData(DriftMethod.Psi)]
    [InlineData(DriftMethod.JensenShannon)]
    [InlineData(DriftMethod.Wasserstein)]
    public void Matching_distributions_have_no_drift(DriftMethod method) =>
        Assert.Equal(0, DriftMath.Compute(method, [25, 50, 25], [0.25, 0.5, 0.25]), 9);

    [Fact]
    public void Psi_matches_the_textbook_formula()
    {
        var expected = ((0.5 - 0.25) * Math.Log(0.5 / 0.25)) + ((0.5 - 0.75) * Math.Log(0.5 / 0.75));
        Assert.Equal(expected, DriftMath.Compute(DriftMethod.Psi, [50, 50], [0.25, 0.75]), 12);
    }

    [Fact]
    public void Jensen_shannon_of_disjoint_distributions_is_one_bit() =>
        Assert.Equal(1, DriftMath.Compute(DriftMethod.JensenShannon, [10, 0], [0, 1]), 9);

    [Fact]
    public void Wasserstein_measures_how_far_mass_moved_over_ordered_bins()
    {
        Assert.Equal(1, DriftMath.Compute(DriftMethod.Wasserstein, [0, 0, 10], [1, 0, 0]), 9);
        Assert.Equal(0.5, DriftMath.Compute(DriftMethod.Wasserstein, [0, 10, 0], [1, 0, 0]), 9);
        Assert.Equal(1, DriftMath.Compute(DriftMethod.Wasserstein, [0, 10, 0], [1, 0, 0], ordered: false), 9);
    }

    [Fact]
    public void An_empty_window_has_no_drift() => Assert.Equal(0, DriftMath.Compute(DriftMethod.Psi, [0, 0], [0.5, 0.5]));

    [Theory]
    [InlineData(-5, 0)]
    [InlineData(10, 1)]
    [InlineData(15, 1)]
    [InlineData(20, 2)]
    [InlineData(99, 2)]
    public void Values_on_an_edge_go_to_the_upper_bin(double value, int bin) => Assert.Equal(bin, DriftMath.BinIndex([10, 20], value));

    [Fact]
    public void Unknown_method_names_the_choices()
    {
        var error = Assert.Throws<ArgumentException>(() => DriftMath.ParseMethod("kl"));
        Assert.Contains("psi, jensenShannon or wasserstein", error.Message);
    }
}
