using System.Globalization;
using System.Text.RegularExpressions;
using Flywheel.Contracts.Metrics;
using Flywheel.InferenceServer.Tests.Support;
using Flywheel.Testing;

namespace Flywheel.InferenceServer.Tests.Monitoring;

[Collection(ServerCollection.Name)]
public sealed partial class MetricsTests(ModelStore store)
{
    [Fact]
    public async Task Metrics_count_requests_predictions_and_inputs_under_the_contract_names()
    {
        await using var server = await TestServer.StartAsync(store.BinaryDirectory);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(200, (await server.PostAsync("/v2/models/movies/predict", TestServer.RecordsBody((75, 95_000, "drama"), (20, 22_000, "western")))).Status);
        }

        Assert.Equal(400, (await server.PostAsync("/v2/models/movies/predict", "{}")).Status);
        var text = await server.MetricsAsync();

        const string id = "namespace=\"default\",model=\"movies\",version=\"1.0\"";
        Assert.Equal(3, Value(text, MetricNames.InferenceRequests.Name, id + ",outcome=\"success\""));
        Assert.Equal(1, Value(text, MetricNames.InferenceRequests.Name, id + ",outcome=\"client_error\""));
        Assert.Equal(4, Value(text, MetricNames.InferenceRequestDuration.Name + "_count", id + ",outcome=\"success\"") + Value(text, MetricNames.InferenceRequestDuration.Name + "_count", id + ",outcome=\"client_error\""));
        Assert.Equal(3, Value(text, MetricNames.Predictions.Name, id + ",class=\"true\""));
        Assert.Equal(3, Value(text, MetricNames.Predictions.Name, id + ",class=\"false\""));
        Assert.Equal(3, Value(text, MetricNames.InputCategoryObservations.Name, id + ",feature=\"genre\",category=\"__unknown__\""));
        Assert.Equal(3, Value(text, MetricNames.InputCategoryObservations.Name, id + ",feature=\"genre\",category=\"drama\""));
        Assert.Equal(1, Value(text, MetricNames.InferenceProviderInfo.Name, id + ",provider=\"cpu\""));
        Assert.Equal(6, Value(text, MetricNames.MonitoringWindowSamples.Name, id));
        Assert.Equal(0.5, Value(text, MetricNames.InputUnknownRatio.Name, id + ",feature=\"genre\""));
        Assert.True(Value(text, MetricNames.InputDrift.Name, id + ",feature=\"genre\",method=\"psi\"") > 0.5);
        Assert.Contains(MetricNames.InputBinObservations.Name + "{" + id + ",feature=\"age\",bin=\"", text);
        Assert.Equal(6, Value(text, MetricNames.InferenceBatchRows.Name + "_sum", id));
        Assert.Contains(MetricNames.InferenceInflightRequests.Name, text);
        Assert.Contains(MetricNames.InferenceQueueDepth.Name, text);
    }

    [Fact]
    public async Task Promtool_accepts_the_metrics_page()
    {
        await using var server = await TestServer.StartAsync(store.BinaryDirectory);
        Assert.Equal(200, (await server.PostAsync("/v2/models/movies/predict", TestServer.RecordsBody((75, 95_000, "drama")))).Status);
        var text = await server.MetricsAsync();

        var result = await TestTools.RunAsync(TestTools.Promtool, ["check", "metrics"], TimeSpan.FromSeconds(30), stdin: text);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("flywheel_", text);
        Assert.DoesNotContain("dotnet_", text);
    }

    internal static double Value(string text, string name, string labels)
    {
        var match = Regex.Match(text, "^" + Regex.Escape(name + "{" + labels + "}") + " (\\S+)$", RegexOptions.Multiline);
        Assert.True(match.Success, $"{name}{{{labels}}} not found in:\n{text}");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
