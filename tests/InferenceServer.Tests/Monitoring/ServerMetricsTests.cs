using System.Diagnostics;
using Flywheel.InferenceServer.Monitoring;
using Prometheus;

namespace Flywheel.InferenceServer.Tests.Monitoring;

public sealed class ServerMetricsTests
{
    [Fact]
    public async Task Counts_inside_a_traced_request_carry_no_exemplars()
    {
        var registry = Metrics.NewCustomRegistry();
        var metrics = new ServerMetrics(registry);
        using var listener = new ActivityListener { ShouldListenTo = _ => true, Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded };
        ActivitySource.AddActivityListener(listener);
        using var source = new ActivitySource("test");
        using (var activity = source.StartActivity("request"))
        {
            Assert.NotNull(Activity.Current);
            metrics.Predictions.WithLabels("default", "movies", "1.0", "true").Inc();
            metrics.RequestDuration.WithLabels("default", "movies", "1.0", "success").Observe(0.001);
        }

        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream, ExpositionFormat.OpenMetricsText);
        var text = System.Text.Encoding.UTF8.GetString(stream.ToArray());

        Assert.Contains("flywheel_predictions_total{namespace=\"default\",model=\"movies\",version=\"1.0\",class=\"true\"} 1", text);
        Assert.DoesNotContain("trace_id", text);
    }
}
