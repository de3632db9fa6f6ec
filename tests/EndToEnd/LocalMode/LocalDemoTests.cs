using Flywheel.Contracts.Artifacts;
using Flywheel.EndToEnd.Support;
using Flywheel.Operator.Api.V1Alpha1;
using Flywheel.Operator.Local;

namespace Flywheel.EndToEnd.LocalMode;

/// <summary>
/// The local-mode demo asserted step by step: the churn model trained and served as 1.0, traffic,
/// a shift that fires the RetrainPolicy on input drift, 1.1 trained on data that includes the
/// logged feedback and rolled out with no failed request, and a rollback by pinning 1.0.
/// </summary>
public sealed class LocalDemoTests
{
    [Fact]
    public async Task The_demo_closes_the_loop_and_rolls_back()
    {
        var root = Directory.CreateTempSubdirectory("flywheel-local-e2e-").FullName;
        using var log = new StringWriter();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        try
        {
            var options = LocalRuns.Options(root);
            var narrator = new Narrator(log);
            DemoScenario demo;
            await using (var stack = await LocalRuns.StartAsync(options, log, deadline.Token))
            {
                demo = new DemoScenario(stack, narrator, LocalRuns.ChurnSamples);
                try
                {
                    await demo.RunAsync(deadline.Token);
                }
                catch (Exception ex)
                {
                    throw new Xunit.Sdk.XunitException($"demo failed: {ex}\n--- narration ---\n{log}");
                }

                var store = stack.ClaimDirectory(LocalStack.ModelStoreClaim);
                var first = await ManifestJson.ReadAsync(Path.Combine(store, "default", "churn", "1.0"));
                var second = await ManifestJson.ReadAsync(Path.Combine(store, "default", "churn", "1.1"));
                Assert.Equal(0, first.TrainingData?.FeedbackRows ?? 0);
                Assert.True(second.TrainingData?.FeedbackRows > 0, $"1.1 was trained without the logged feedback\n{log}");
                Assert.NotEqual(first.DataDigest, second.DataDigest);

                // Everything the operator did here, it may do under the chart's least-privilege RBAC.
                var calls = stack.Audit.By(LocalStack.OperatorUser);
                Assert.Contains(calls, c => c.Verb == "patch" && c.Resource == "jobs");
                Assert.Contains(calls, c => c.RbacResource == "modeldeployments/status");
                var denied = (await ChartRbac.RenderAsync("flywheel-system")).Denied(calls);
                Assert.True(denied.Count == 0, "calls the chart's RBAC does not allow:\n" + string.Join('\n', denied.Select(c => $"{c.Verb} {c.Group}/{c.RbacResource} in {c.Namespace ?? "(cluster)"}")));
            }

            var result = demo.Result;
            Assert.NotNull(result.FirstRun);
            Assert.NotNull(result.SecondRun);
            Assert.Equal(RunReason.InputDrift, result.RetrainReason);
            Assert.DoesNotContain(result.StationaryTriggers, t => t.EndsWith(" firing", StringComparison.Ordinal));
            Assert.Equal(0, result.FailedDuringRollout);
            Assert.True(result.Traffic!.ServedBy.GetValueOrDefault("1.1") > 0, $"no prediction came from 1.1\n{log}");
            Assert.True(result.ServedAfterRollback > 0, $"no prediction came from 1.0 after the rollback\n{log}");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Stationary_traffic_fires_no_trigger()
    {
        var root = Directory.CreateTempSubdirectory("flywheel-local-control-").FullName;
        using var log = new StringWriter();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(6));
        try
        {
            var options = LocalRuns.Options(root);
            await using var stack = await LocalRuns.StartAsync(options, log, deadline.Token);
            var demo = new DemoScenario(stack, new Narrator(log), LocalRuns.ChurnSamples);

            // As long as the demo's shifted phase takes to fire here, with traffic like the training data.
            var runs = await demo.RunStationaryAsync(TimeSpan.FromSeconds(30), deadline.Token);

            Assert.True(demo.Result.Traffic!.Succeeded > 50, log.ToString());
            Assert.Equal([demo.Result.FirstRun], runs.Select(r => r.Metadata.Name));
            // The drift trigger was evaluated on enough rows to give a value, and it stayed under its threshold.
            var drift = Assert.Single(demo.Result.StationaryTriggers, t => t.StartsWith("inputDrift=", StringComparison.Ordinal));
            Assert.DoesNotContain("=-/", drift);
            Assert.DoesNotContain(demo.Result.StationaryTriggers, t => t.EndsWith(" firing", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
