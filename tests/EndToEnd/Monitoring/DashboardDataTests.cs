using System.Text.Json.Nodes;
using Flywheel.EndToEnd.Support;
using Flywheel.Testing;
using Flywheel.Trainer;

namespace Flywheel.EndToEnd.Monitoring;

/// <summary>
/// The dashboards and alert rules against the real thing: models trained by the trainer, served by
/// the inference server under traffic (predictions, bad requests, unknown categories, feedback, a
/// refused version), scraped by a real Prometheus. Every panel of the serving dashboards must show data.
/// </summary>
public sealed class DashboardDataTests
{
    private static readonly string[] ServingDashboards = ["flywheel-model-health.json", "flywheel-data-drift.json", "flywheel-feedback-accuracy.json"];

    [Fact]
    public async Task Every_serving_panel_and_rule_selector_returns_data_from_prometheus()
    {
        var store = Directory.CreateTempSubdirectory("flywheel-e2e-store-").FullName;
        try
        {
            var csv = Path.Combine(store, "churn.csv");
            await File.WriteAllTextAsync(csv, ChurnData.Csv(ChurnData.Generate(1200, seed: 1)));
            var options = new TrainerOptions { MeasureLatency = false };
            await TrainerRunner.RunAsync(ChurnData.Spec(csv, "binaryClassification", "churn"), store, options);
            await TrainerRunner.RunAsync(ChurnData.Spec(csv, "regression", "churn-value"), store, options);

            // A tampered copy of 1.0 as 1.1: the server must refuse it and keep serving 1.0.
            var churnDir = Path.Combine(store, "ml", "churn");
            CopyDirectory(Path.Combine(churnDir, "1.0"), Path.Combine(churnDir, "1.1"));
            await using (var onnx = File.OpenWrite(Path.Combine(churnDir, "1.1", "model.onnx")))
            {
                onnx.Seek(-1, SeekOrigin.End);
                onnx.WriteByte(0x42);
            }

            var versionFile = Path.Combine(store, "churn.version");
            await File.WriteAllTextAsync(versionFile, "1.0\n");

            await using var classifier = await InferenceServerProcess.StartAsync(churnDir, "churn", "1.0", "--version-file", versionFile, "--reload-interval-ms", "200");
            await using var regressor = await InferenceServerProcess.StartAsync(Path.Combine(store, "ml", "churn-value"), "churn-value", "1.0");
            await using var prometheus = await PrometheusServer.StartAsync(new Dictionary<string, IReadOnlyList<string>>
            {
                ["flywheel-inference"] = [classifier.Target, regressor.Target],
            });

            await SendTrafficAsync(classifier, regressor);
            await File.WriteAllTextAsync(versionFile, "1.1\n");
            await Poll.UntilAsync(
                () => prometheus.QueryAsync("flywheel_model_load_failures_total"),
                r => r.Count > 0,
                TimeSpan.FromSeconds(30),
                "the refused version counted in Prometheus",
                interval: TimeSpan.FromMilliseconds(100),
                retryOn: Poll.IsTransient);

            // More traffic after the refusal: 1.0 still serves, and rates have two points.
            await SendTrafficAsync(classifier, regressor);
            var (status, _) = await classifier.PostAsync("v2/models/churn/predict", ChurnData.Instances(ChurnData.Generate(1, 9)));
            Assert.Equal(200, status);

            var noData = new List<string>();
            foreach (var file in ServingDashboards)
            {
                var dashboard = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(TestTools.RepositoryRoot, "deploy", "grafana", file)))!;
                foreach (var panel in dashboard["panels"]!.AsArray())
                {
                    foreach (var target in panel!["targets"]!.AsArray())
                    {
                        var expr = Expand((string)target!["expr"]!);
                        var result = await Poll.UntilAsync(
                                () => prometheus.QueryAsync(expr),
                                r => r.Count > 0,
                                TimeSpan.FromSeconds(15),
                                $"data for {panel["title"]}",
                                interval: TimeSpan.FromMilliseconds(100),
                                retryOn: Poll.IsTransient)
                            .ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : []);
                        if (result.Count == 0)
                        {
                            noData.Add($"{file}: \"{panel["title"]}\" ({expr})");
                        }
                    }
                }
            }

            Assert.True(noData.Count == 0, "panels without data:\n" + string.Join('\n', noData));

            // Each metric the serving alerts use is scraped under its contract name.
            foreach (var metric in new[] { "flywheel_input_drift", "flywheel_monitoring_window_samples", "flywheel_live_accuracy_ratio", "flywheel_live_labeled_samples", "flywheel_feedback_positive_ratio", "flywheel_feedback_total" })
            {
                var series = await prometheus.QueryAsync(metric + "{namespace=\"ml\",model=\"churn\"}");
                Assert.True(series.Count > 0, $"{metric} has no series for ml/churn");
            }

            var unknown = await prometheus.QueryAsync("flywheel_input_category_observations_total{model=\"churn\",feature=\"plan\",category=\"__unknown__\"}");
            var unknownCount = double.Parse((string)unknown.Single()!["value"]![1]!, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(unknownCount >= 10, $"expected the shifted rows' unseen plan counted as __unknown__, got {unknownCount}");
            var served = await prometheus.QueryAsync("count by (version) (flywheel_inference_provider_info{model=\"churn\"})");
            Assert.Equal(["1.0"], served.Select(s => (string)s!["metric"]!["version"]!));
        }
        finally
        {
            Directory.Delete(store, recursive: true);
        }
    }

    private static async Task SendTrafficAsync(InferenceServerProcess classifier, InferenceServerProcess regressor)
    {
        // In-distribution rows, then shifted rows with a plan never seen in training.
        var rows = ChurnData.Generate(150, seed: 5).Concat(ChurnData.Generate(50, seed: 6, tenureShift: 40, newPlanRate: 0.5)).ToArray();
        for (var i = 0; i < rows.Length; i += 10)
        {
            var batch = rows[i..Math.Min(i + 10, rows.Length)];
            var (status, body) = await classifier.PostAsync("v2/models/churn/predict", ChurnData.Instances(batch));
            Assert.True(status == 200, $"predict answered {status}: {body}\n{classifier.Output}");
            var predictions = body!["predictions"]!.AsArray();
            for (var j = 0; j < predictions.Count; j++)
            {
                var id = (string)predictions[j]!["id"]!;
                object feedback = j % 2 == 0
                    ? new { id, label = batch[j].Churned }
                    : new { id, signal = j % 3 == 0 ? "negative" : "positive" };
                var (fbStatus, fbBody) = await classifier.PostAsync("v2/models/churn/feedback", feedback);
                Assert.True(fbStatus is 200 or 202 or 204, $"feedback answered {fbStatus}: {fbBody}");
            }

            var (regStatus, regBody) = await regressor.PostAsync("v2/models/churn-value/predict", ChurnData.Instances(batch));
            Assert.True(regStatus == 200, $"regression predict answered {regStatus}: {regBody}");
        }

        // A request the server must refuse, so the error panels have data.
        var (bad, _) = await classifier.PostAsync("v2/models/churn/predict", new { instances = new[] { new { tenure = "many" } } });
        Assert.Equal(400, bad);
    }

    private static string Expand(string expr) => expr
        .Replace("$__rate_interval", "30s", StringComparison.Ordinal)
        .Replace("$namespace", ".*", StringComparison.Ordinal)
        .Replace("$model", ".*", StringComparison.Ordinal)
        .Replace("$version", ".*", StringComparison.Ordinal)
        .Replace("$feature", ".*", StringComparison.Ordinal);

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}
