using System.Text.Json;
using Flywheel.Contracts.Logs;
using Flywheel.Contracts.Monitoring;
using Flywheel.InferenceServer.Tests.Support;

namespace Flywheel.InferenceServer.Tests.Monitoring;

[Collection(ServerCollection.Name)]
public sealed class DriftAndFeedbackTests(ModelStore store)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Shifted_inputs_and_unknown_categories_show_as_drift_in_the_window()
    {
        await using var server = await TestServer.StartAsync(store.BinaryDirectory, configure: o => o with { MonitoringWindow = 400 });
        var rows = TestModels.MakeRows(400, seed: 99).Select(r => ((double)r.Age, (double)r.Income, (string?)r.Genre)).ToArray();
        Assert.Equal(200, (await server.PostAsync("/v2/models/movies/predict", TestServer.RecordsBody(rows))).Status);
        var calm = await SummaryAsync(server);

        // Older callers and a genre never seen in training (the seed's X2 case) fill the whole window.
        var shifted = rows.Select(r => (r.Item1 + 30, r.Item2, (string?)(r.Item3 == "drama" ? "documentary" : r.Item3))).ToArray();
        Assert.Equal(200, (await server.PostAsync("/v2/models/movies/predict", TestServer.RecordsBody(shifted))).Status);
        var drifted = await SummaryAsync(server);

        Assert.Equal(400, calm.Samples);
        Assert.Equal(400, drifted.Samples);
        Assert.Equal(800, drifted.TotalPredictions);
        var calmAge = calm.Features.Single(f => f.Name == "age");
        var driftedAge = drifted.Features.Single(f => f.Name == "age");
        Assert.True(calmAge.Drift < 0.1, $"PSI on training-like ages was {calmAge.Drift}");
        Assert.True(driftedAge.Drift > 0.25, $"PSI on shifted ages was {driftedAge.Drift}");
        Assert.Equal(400, driftedAge.Counts.Sum());
        var genre = drifted.Features.Single(f => f.Name == "genre");
        Assert.Equal(0, calm.Features.Single(f => f.Name == "genre").Unknown);
        Assert.True(genre.Unknown > 50);
        Assert.Equal(genre.Unknown / 400.0, genre.UnknownRate, 6);
        Assert.Equal(genre.Unknown, genre.Counts[genre.Bins.ToList().IndexOf("__unknown__")]);
        Assert.Equal(DriftMethod.Psi, drifted.DriftMethod);
    }

    [Fact]
    public async Task Drift_method_is_selectable()
    {
        await using var server = await TestServer.StartAsync(store.BinaryDirectory, configure: o => o with { DriftMethod = DriftMethod.JensenShannon });
        Assert.Equal(200, (await server.PostAsync("/v2/models/movies/predict", TestServer.RecordsBody((90, 95_000, "western")))).Status);
        var summary = await SummaryAsync(server);
        Assert.Equal(DriftMethod.JensenShannon, summary.DriftMethod);
        Assert.InRange(summary.Features.Single(f => f.Name == "genre").Drift, 0.5, 1.0);
        Assert.Contains("method=\"jensen_shannon\"", await server.MetricsAsync());
    }

    [Fact]
    public async Task Feedback_counts_signals_and_live_accuracy_and_logs_keep_everything()
    {
        var logs = Path.Combine(store.Root, "logs-" + Guid.NewGuid().ToString("N"));
        var server = await TestServer.StartAsync(store.BinaryDirectory, configure: o => o with { LogDirectory = logs });
        string[] ids;
        try
        {
            var (_, body) = await server.PostAsync("/v2/models/movies/predict", TestServer.RecordsBody((75, 95_000, "drama"), (20, 22_000, "horror"), (75, 95_000, "drama")));
            ids = [.. body!["predictions"]!.AsArray().Select(p => p!["id"]!.GetValue<string>())];
            Assert.Equal(200, (await server.PostAsync("/v2/models/movies/feedback", $$"""{"id":"{{ids[0]}}","signal":"positive"}""")).Status);
            Assert.Equal(200, (await server.PostAsync("/v2/models/movies/feedback", $$"""{"id":"{{ids[1]}}","signal":"negative"}""")).Status);
            Assert.Equal(200, (await server.PostAsync("/v2/models/movies/feedback", $$"""{"id":"{{ids[0]}}","label":"true"}""")).Status);
            Assert.Equal(200, (await server.PostAsync("/v2/models/movies/feedback", $$"""{"id":"{{ids[2]}}","label":"false"}""")).Status);
            Assert.Equal(400, (await server.PostAsync("/v2/models/movies/feedback", $$"""{"id":"{{ids[2]}}","label":"maybe"}""")).Status);

            var summary = await SummaryAsync(server);
            Assert.Equal(1, summary.Feedback.Positive);
            Assert.Equal(1, summary.Feedback.Negative);
            Assert.Equal(2, summary.Feedback.Labeled);
            Assert.Equal(1, summary.Feedback.Correct);
            Assert.Equal(0.5, summary.Feedback.PositiveRatio);
            Assert.Equal(0.5, summary.Feedback.Accuracy);
            var metrics = await server.MetricsAsync();
            const string id = "namespace=\"default\",model=\"movies\",version=\"1.0\"";
            Assert.Equal(2, MetricsTests.Value(metrics, "flywheel_feedback_total", id + ",signal=\"label\""));
            Assert.Equal(0.5, MetricsTests.Value(metrics, "flywheel_live_accuracy_ratio", id));
            Assert.Equal(0.5, MetricsTests.Value(metrics, "flywheel_feedback_positive_ratio", id));
        }
        finally
        {
            await server.DisposeAsync();
        }

        var predictionFile = Assert.Single(Directory.GetFiles(logs, PredictionLogFormat.PredictionFilePattern));
        Assert.Matches(@"predictions-test-0-\d{10}\.jsonl$", predictionFile);
        var predictions = File.ReadAllLines(predictionFile).Select(l => JsonSerializer.Deserialize<PredictionLogRecord>(l, PredictionLogFormat.Options)!).ToList();
        Assert.Equal(ids, predictions.Select(p => p.Id));
        Assert.Equal("drama", predictions[0].Features["genre"].GetString());
        Assert.Equal(75, predictions[0].Features["age"].GetDouble());
        Assert.Equal("true", predictions[0].Prediction);
        Assert.Equal("1.0", predictions[0].Version);
        Assert.Equal(1.0, predictions[0].Probabilities!.Values.Sum(), 3);
        var feedback = File.ReadAllLines(Assert.Single(Directory.GetFiles(logs, PredictionLogFormat.FeedbackFilePattern)))
            .Select(l => JsonSerializer.Deserialize<FeedbackLogRecord>(l, PredictionLogFormat.Options)!).ToList();
        Assert.Equal(4, feedback.Count);
        Assert.Equal("positive", feedback[0].Signal);
        Assert.Equal("true", feedback[2].Label);
        Assert.Equal(ids[0], feedback[2].Id);
    }

    [Fact]
    public async Task Replica_summaries_merge_exactly_by_summing_counts()
    {
        await using var a = await TestServer.StartAsync(store.BinaryDirectory, configure: o => o with { Replica = "a" });
        await using var b = await TestServer.StartAsync(store.BinaryDirectory, configure: o => o with { Replica = "b" });
        await using var both = await TestServer.StartAsync(store.BinaryDirectory, configure: o => o with { Replica = "both" });
        var first = TestModels.MakeRows(50, seed: 1).Select(r => ((double)r.Age + 20, (double)r.Income, (string?)r.Genre)).ToArray();
        var second = TestModels.MakeRows(70, seed: 2).Select(r => ((double)r.Age, (double)r.Income, (string?)"western")).ToArray();
        await a.PostAsync("/v2/models/movies/predict", TestServer.RecordsBody(first));
        await b.PostAsync("/v2/models/movies/predict", TestServer.RecordsBody(second));
        await both.PostAsync("/v2/models/movies/predict", TestServer.RecordsBody([.. first, .. second]));

        var merged = MonitoringMerge.Merge([await SummaryAsync(a), await SummaryAsync(b)]);
        var single = await SummaryAsync(both);

        Assert.Equal(["a", "b"], merged.Replicas);
        Assert.Equal(single.Samples, merged.Samples);
        foreach (var (m, s) in merged.Features.Zip(single.Features))
        {
            Assert.Equal(s.Counts, m.Counts);
            Assert.Equal(s.Drift, m.Drift, 9);
        }

        Assert.Equal(single.Predictions.Counts, merged.Predictions.Counts);
        Assert.Equal(2, merged.Requests!.Outcomes["success"]);
    }

    [Fact]
    public async Task The_summary_carries_requests_by_outcome_and_latency_for_rollout_analysis()
    {
        await using var server = await TestServer.StartAsync(store.BinaryDirectory);
        var rows = TestModels.MakeRows(5, seed: 3).Select(r => ((double)r.Age, (double)r.Income, (string?)r.Genre)).ToArray();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(200, (await server.PostAsync("/v2/models/movies/predict", TestServer.RecordsBody(rows))).Status);
        }

        var bad = await server.PostAsync("/v2/models/movies/predict", "{\"instances\": [{\"age\": \"old\"}]}");
        Assert.Equal(400, bad.Status);

        var requests = (await SummaryAsync(server)).Requests!;
        Assert.Equal(3, requests.Outcomes["success"]);
        Assert.Equal(1, requests.Outcomes["client_error"]);
        Assert.Equal(4, requests.LatencyCounts.Sum());
        Assert.Equal(0, requests.ErrorRate);
        Assert.InRange(requests.Quantile(0.99)!.Value, 0.00001, 5);
    }

    private static async Task<MonitoringSummary> SummaryAsync(TestServer server)
    {
        var json = await server.Client.GetStringAsync("/v2/models/movies/monitoring");
        return JsonSerializer.Deserialize<MonitoringSummary>(json, Json)!;
    }
}
