using Flywheel.InferenceServer.Tests.Monitoring;
using Flywheel.InferenceServer.Tests.Support;

namespace Flywheel.InferenceServer.Tests.Runtime;

[Collection(ServerCollection.Name)]
public sealed class BatchingAndOverloadTests(ModelStore store)
{
    private const string Id = "namespace=\"default\",model=\"movies\",version=\"1.0\"";

    [Fact]
    public async Task Concurrent_requests_are_merged_into_fewer_runs_and_each_gets_its_own_rows()
    {
        await using var server = await TestServer.StartAsync(store.BinaryDirectory, configure: o => o with { MaxBatchSize = 64, MaxDelay = TimeSpan.FromMilliseconds(20) });
        var requests = Enumerable.Range(0, 32).Select(i => server.PostAsync("/v2/models/movies/predict",
            TestServer.RecordsBody(i % 2 == 0 ? (75, 95_000, "drama") : (20, 22_000, "horror")))).ToList();
        var results = await Task.WhenAll(requests);

        for (var i = 0; i < results.Length; i++)
        {
            Assert.Equal(200, results[i].Status);
            Assert.Equal(i % 2 == 0 ? "true" : "false", results[i].Body!["predictions"]![0]!["label"]!.GetValue<string>());
        }

        var text = await server.MetricsAsync();
        var runs = MetricsTests.Value(text, "flywheel_inference_batch_rows_count", Id);
        Assert.Equal(32, MetricsTests.Value(text, "flywheel_inference_batch_rows_sum", Id));
        Assert.True(runs < 32, $"32 requests took {runs} runs; none were merged");
    }

    [Fact]
    public async Task Batching_off_runs_every_request_alone()
    {
        await using var server = await TestServer.StartAsync(store.BinaryDirectory, configure: o => o with { MaxBatchSize = 1 });
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => server.PostAsync("/v2/models/movies/predict", TestServer.RecordsBody((75, 95_000, "drama")))));
        Assert.All(results, r => Assert.Equal(200, r.Status));
        Assert.Equal(8, MetricsTests.Value(await server.MetricsAsync(), "flywheel_inference_batch_rows_count", Id));
    }

    [Fact]
    public async Task Past_the_queue_bound_requests_get_429_with_retry_after()
    {
        await using var server = await TestServer.StartAsync(store.BinaryDirectory, configure: o => o with { MaxQueue = 2, MaxDelay = TimeSpan.FromMilliseconds(50) });
        var body = TestServer.RecordsBody([.. Enumerable.Repeat((40.0, 50_000.0, (string?)"drama"), 10)]);
        var responses = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => server.PostJsonAsync("/v2/models/movies/predict", body)));
        try
        {
            var overloaded = responses.Where(r => (int)r.StatusCode == 429).ToList();
            Assert.NotEmpty(overloaded);
            Assert.All(responses, r => Assert.Contains((int)r.StatusCode, new[] { 200, 429 }));
            Assert.Equal("1", overloaded[0].Headers.RetryAfter!.ToString());
            Assert.Contains("retry after", await overloaded[0].Content.ReadAsStringAsync());
            Assert.Equal(overloaded.Count, MetricsTests.Value(await server.MetricsAsync(), "flywheel_inference_requests_total", Id + ",outcome=\"overloaded\""));
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
    }
}
