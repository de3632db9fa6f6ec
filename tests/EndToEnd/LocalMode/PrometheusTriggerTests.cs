using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Flywheel.Contracts.Artifacts;
using Flywheel.Contracts.Monitoring;
using Flywheel.EndToEnd.Support;
using Flywheel.Operator.Api.V1Alpha1;
using Flywheel.Operator.Local;
using Flywheel.Testing;
using k8s;

namespace Flywheel.EndToEnd.LocalMode;

/// <summary>
/// The retrain triggers through a real Prometheus (Debian's) scraping the inference pods: a custom
/// PromQL trigger fires, and input drift read through PromQL fires as the pods' own summaries say it should.
/// </summary>
public sealed class PrometheusTriggerTests
{
    [Fact]
    public async Task A_custom_promql_trigger_and_the_drift_trigger_fire_through_prometheus()
    {
        var root = Directory.CreateTempSubdirectory("flywheel-local-prometheus-").FullName;
        using var log = new StringWriter();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(6));
        try
        {
            var options = LocalRuns.Options(root);
            await using var stack = await LocalRuns.StartAsync(options, log, deadline.Token);
            var objects = new FlywheelObjects(stack.Client, "default");
            var demo = new DemoScenario(stack, new Narrator(log), LocalRuns.ChurnSamples);
            await demo.PrepareAsync(deadline.Token);
            await demo.TrainAsync("1.0", RunReason.Initial, deadline.Token);
            await demo.ServeAsync("1.0", deadline.Token);

            // Prometheus scrapes every Ready inference pod, as a PodMonitor would.
            var endpoints = await stack.Client.CoreV1.ReadNamespacedEndpointsAsync("churn-inference", "default", cancellationToken: deadline.Token);
            var targets = endpoints.Subsets.SelectMany(s => s.Addresses.SelectMany(a => s.Ports.Select(p => $"{a.Ip}:{p.Port}"))).ToList();
            Assert.NotEmpty(targets);
            await using var prometheus = await PrometheusServer.StartAsync(new Dictionary<string, IReadOnlyList<string>> { ["flywheel-inference"] = targets });

            var url = prometheus.BaseAddress.ToString().TrimEnd('/');
            var patch = new JsonObject
            {
                ["spec"] = new JsonObject
                {
                    ["prometheus"] = new JsonObject { ["url"] = prometheus.BaseAddress.ToString().TrimEnd('/') },
                    ["cooldown"] = "10m",
                    ["triggers"] = new JsonObject
                    {
                        ["inputDrift"] = new JsonObject { ["threshold"] = 0.2, ["minSamples"] = 200 },
                        ["custom"] = new JsonArray(new JsonObject
                        {
                            ["name"] = "unseen-contracts",
                            ["promql"] = "max(flywheel_input_unknown_ratio{namespace=\"default\",model=\"churn\",feature=\"contract\"})",
                            ["operator"] = "gt",
                            ["threshold"] = 0.1,
                        }),
                    },
                },
            };
            await objects.MergePatchAsync(RetrainPolicy.KubeKind, "churn", patch.ToJsonString(), deadline.Token);

            using var traffic = new TrafficClient(stack.Client, "default", "churn-inference", "churn");
            var policy = await Poll.UntilAsync(
                async () =>
                {
                    await demo.SendAsync(traffic, batches: 5, DemoScenario.Shifted, deadline.Token);
                    return await objects.GetAsync<RetrainPolicy>(RetrainPolicy.KubeKind, "churn", deadline.Token);
                },
                p => p?.Status.Triggers?.Count(t => t.Firing == true) == 2,
                TimeSpan.FromMinutes(3),
                $"both triggers firing through Prometheus\n{log}",
                interval: TimeSpan.FromMilliseconds(100),
                retryOn: Poll.IsTransient);

            var custom = Assert.Single(policy!.Status.Triggers!, t => t.Name.Contains("unseen-contracts", StringComparison.Ordinal));
            Assert.True(custom.Value > 0.1, $"custom trigger value {custom.Value}");
            var drift = Assert.Single(policy.Status.Triggers!, t => t.Name == "inputDrift");
            Assert.True(drift.Value > 0.2, $"drift through PromQL {drift.Value}");

            // The pods' own summaries, merged across replicas, agree that the inputs drifted.
            var summaries = new List<MonitoringSummary>();
            using var http = new HttpClient();
            foreach (var target in targets)
            {
                summaries.Add((await http.GetFromJsonAsync<MonitoringSummary>($"http://{target}/v2/models/churn/monitoring", ManifestJson.Options, deadline.Token))!);
            }

            var merged = MonitoringMerge.Merge(summaries);
            var directDrift = merged.Features.Max(f => f.Drift);
            Assert.True(directDrift > 0.2, $"the merged summaries give drift {directDrift}");
            Assert.True(merged.Features.Single(f => f.Name == "contract").UnknownRate > 0.1);

            var runs = await Poll.UntilAsync(
                () => objects.TrainingRunsAsync("churn", deadline.Token),
                r => r.Count == 2,
                TimeSpan.FromMinutes(1),
                "the retraining run",
                interval: TimeSpan.FromMilliseconds(100),
                retryOn: Poll.IsTransient);
            Assert.Contains(runs[1].Spec.Reason, new[] { RunReason.InputDrift, RunReason.Custom });
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
