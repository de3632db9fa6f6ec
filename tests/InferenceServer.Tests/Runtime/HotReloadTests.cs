using Flywheel.InferenceServer.Tests.Support;
using Flywheel.Testing;

namespace Flywheel.InferenceServer.Tests.Runtime;

[Collection(ServerCollection.Name)]
public sealed class HotReloadTests(ModelStore store)
{
    [Fact]
    public async Task A_new_version_is_swapped_in_under_load_without_failing_a_request_and_a_tampered_one_is_refused()
    {
        var dir = store.CopyBinary();
        TestModels.Write(dir, TestModelKind.Binary, "1.1");
        var pointer = Path.Combine(dir, "current");
        File.WriteAllText(pointer, "1.0\n");
        await using var server = await TestServer.StartAsync(dir, configure: o => o with { ModelVersion = null, VersionFile = pointer, ReloadInterval = TimeSpan.FromMilliseconds(100) });
        var first = server.App.State.Models.Current!;
        Assert.Equal("1.0", first.Version);

        using var stop = new CancellationTokenSource();
        var statuses = new List<int>();
        var load = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var (status, _) = await server.PostAsync("/v2/models/movies/predict", TestServer.RecordsBody((40, 50_000, "drama")));
                lock (statuses)
                {
                    statuses.Add(status);
                }
            }
        });

        File.WriteAllText(pointer, "1.1\n");
        await Poll.UntilAsync(
            async () => (await server.GetAsync("/v2/models/movies")).Body!["versions"]![0]!.GetValue<string>() == "1.1",
            TimeSpan.FromSeconds(20),
            "1.1 is served");
        await first.Disposed.WaitAsync(TimeSpan.FromSeconds(10));

        // 2.0 claims a digest its model.onnx does not have.
        var tampered = TestModels.Write(dir, TestModelKind.Binary, "2.0");
        await File.AppendAllTextAsync(Path.Combine(tampered, "model.onnx"), "x");
        File.WriteAllText(pointer, "2.0");
        await Poll.UntilAsync(
            async () => (await server.MetricsAsync()).Contains("flywheel_model_load_failures_total{namespace=\"default\",model=\"movies\",version=\"2.0\",reason=\"sha256_mismatch\"} 1"),
            TimeSpan.FromSeconds(20),
            "2.0 is refused for its sha256 mismatch");
        await stop.CancelAsync();
        await load;

        Assert.Equal("1.1", server.App.State.Models.Current!.Version);
        Assert.True(statuses.Count > 5, $"only {statuses.Count} requests ran during the swap");
        Assert.All(statuses, s => Assert.Equal(200, s));

        // Every row is counted once, under the version that predicted it: 1.0's last rows were published when it retired.
        var metrics = await server.MetricsAsync();
        double Predicted(string version) => metrics.Split('\n')
            .Where(l => l.StartsWith("flywheel_predictions_total{", StringComparison.Ordinal) && l.Contains($"version=\"{version}\"", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(Predicted("1.0") > 0, metrics);
        Assert.Equal(statuses.Count, Predicted("1.0") + Predicted("1.1"));
        var (_, body) = await server.PostAsync("/v2/models/movies/infer", TestServer.V2Body((40, 50_000, "drama")));
        Assert.Equal("1.1", body!["model_version"]!.GetValue<string>());
    }
}
