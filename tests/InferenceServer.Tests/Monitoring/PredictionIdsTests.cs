using System.Text;
using Flywheel.InferenceServer.Monitoring;

namespace Flywheel.InferenceServer.Tests.Monitoring;

public sealed class PredictionIdsTests
{
    [Fact]
    public void Ids_are_the_prefix_and_the_sequence_in_hex_and_parse_back()
    {
        var ids = new PredictionIds("00000000000000ab");

        var first = ids.Reserve(3);
        var next = ids.Reserve(1);

        Assert.Equal(1, first);
        Assert.Equal(4, next);
        Assert.Equal("00000000000000ab-1f", ids.ToString(31));
        Span<byte> utf8 = stackalloc byte[PredictionIds.MaxLength];
        Assert.Equal("00000000000000ab-7fffffffffffffff", Encoding.ASCII.GetString(utf8[..ids.Format(long.MaxValue, utf8)]));
        Assert.True(ids.TryParse("00000000000000ab-1f", out var sequence));
        Assert.Equal(31, sequence);
    }

    [Theory]
    [InlineData("00000000000000cd-1f")]
    [InlineData("00000000000000ab-")]
    [InlineData("00000000000000ab-1F")]
    [InlineData("00000000000000ab-0")]
    [InlineData("00000000000000ab-zz")]
    [InlineData("00000000000000ab+1f")]
    [InlineData("00000000000000ab-1234567890abcdef1")]
    [InlineData("")]
    public void Ids_of_another_replica_or_malformed_ids_do_not_parse(string id) =>
        Assert.False(new PredictionIds("00000000000000ab").TryParse(id, out _));

    [Fact]
    public void The_store_finds_the_last_capacity_predictions_and_forgets_older_ones()
    {
        var ids = new PredictionIds("00000000000000ab");
        var store = new PredictionIdStore(ids, capacity: 4);
        var monitor = Monitor();

        var first = ids.Reserve(3);
        store.Add(monitor, first, [1, 0, 1], 3);
        Assert.True(store.TryGet(ids.ToString(first + 1), out var found));
        Assert.Same(monitor, found.Monitor);
        Assert.Equal(0, found.Class);

        var later = ids.Reserve(3);
        store.Add(monitor, later, [0, 0, 1], 3);
        Assert.False(store.TryGet(ids.ToString(first), out _));
        Assert.False(store.TryGet(ids.ToString(first + 1), out _));
        Assert.True(store.TryGet(ids.ToString(first + 2), out found));
        Assert.Equal(1, found.Class);
        Assert.True(store.TryGet(ids.ToString(later + 2), out found));
        Assert.Equal(1, found.Class);
        Assert.False(store.TryGet(ids.ToString(later + 3), out _));
        Assert.False(store.TryGet("00000000000000cd-" + (later + 2).ToString("x"), out _));
    }

    [Fact]
    public void A_batch_that_wraps_around_the_store_keeps_every_row_and_its_version()
    {
        var ids = new PredictionIds("00000000000000ab");
        var store = new PredictionIdStore(ids, capacity: 4);
        var (old, current) = (Monitor(), Monitor());

        store.Add(old, ids.Reserve(2), [1, 1], 2);
        var wrapping = ids.Reserve(3);
        store.Add(current, wrapping, [0, 1, 0], 3);
        var regression = ids.Reserve(1);
        store.Add(current, regression, [], 1);

        // Capacity 4: the last four rows are the wrapping batch's three and the regression row.
        Assert.False(store.TryGet(ids.ToString(wrapping - 1), out _));
        for (var r = 0; r < 3; r++)
        {
            Assert.True(store.TryGet(ids.ToString(wrapping + r), out var found), $"row {r}");
            Assert.Same(current, found.Monitor);
            Assert.Equal(r == 1 ? 1 : 0, found.Class);
        }

        Assert.True(store.TryGet(ids.ToString(regression), out var value));
        Assert.Same(current, value.Monitor);
        Assert.Equal(-1, value.Class);
    }

    private static ModelMonitor Monitor()
    {
        var schema = Pipeline.ModelSchema.From(Support.ManifestSamples.Binary());
        return new ModelMonitor(schema, new ServerMetrics(Prometheus.Metrics.NewCustomRegistry()), Contracts.Monitoring.DriftMethod.Psi, 100, "default", "movies", "1.0");
    }
}
