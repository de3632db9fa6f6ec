using System.Globalization;
using Flywheel.EndToEnd.Support;
using Flywheel.Operator.Api.V1Alpha1;
using Flywheel.Operator.Local;
using Flywheel.Testing;
using k8s;

namespace Flywheel.EndToEnd.LocalMode;

/// <summary>The operator killed with SIGKILL in the middle of a training run, then started again.</summary>
public sealed class OperatorCrashTests
{
    private static string OperatorAssembly =>
        Path.Combine(TestTools.RepositoryRoot, "src", "Operator", "bin", LocalRuns.Configuration, "net10.0", "Flywheel.Operator.dll");

    [Fact]
    public async Task A_run_interrupted_by_an_operator_kill_completes_once_with_one_job()
    {
        var root = Directory.CreateTempSubdirectory("flywheel-local-crash-").FullName;
        using var log = new StringWriter();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            var options = LocalRuns.Options(root, startOperator: false);
            await using var stack = await LocalRuns.StartAsync(options, log, deadline.Token);
            var objects = new FlywheelObjects(stack.Client, "default");
            var demo = new DemoScenario(stack, new Narrator(log), LocalRuns.ChurnSamples);
            await demo.PrepareAsync(deadline.Token);

            // Enough trials that the kill lands while the trainer runs.
            await objects.MergePatchAsync(Model.KubeKind, "churn", """{"spec":{"training":{"maxTrials":8}}}""", deadline.Token);

            TrainingRun running;
            string jobUid;
            await using (var first = StartOperator(stack, options))
            {
                running = await Poll.UntilAsync(
                    async () => (await objects.TrainingRunsAsync("churn", deadline.Token)).SingleOrDefault(),
                    run => run?.Status.Phase == RunPhase.Running,
                    TimeSpan.FromMinutes(2),
                    "the initial run Running",
                    interval: TimeSpan.FromMilliseconds(100),
                    retryOn: Poll.IsTransient) ?? throw new InvalidOperationException("no run");
                var job = await stack.Client.BatchV1.ReadNamespacedJobAsync(running.Status.JobName, "default", cancellationToken: deadline.Token);
                jobUid = job.Metadata.Uid;
                first.KillHard();
            }

            await using var second = StartOperator(stack, options);
            var finished = await Poll.UntilAsync(
                async () => (await objects.TrainingRunsAsync("churn", deadline.Token)).ToList(),
                runs => runs.Any(r => r.Status.Phase is RunPhase.Succeeded or RunPhase.Failed),
                TimeSpan.FromMinutes(3),
                $"the run finished after the restart\n{second.Output}",
                interval: TimeSpan.FromMilliseconds(100),
                retryOn: Poll.IsTransient);
            var model = await Poll.UntilAsync(
                () => objects.GetAsync<Model>(Model.KubeKind, "churn", deadline.Token),
                m => m?.Status.PromotedVersion == "1.0",
                TimeSpan.FromMinutes(1),
                "version 1.0 promoted",
                interval: TimeSpan.FromMilliseconds(100),
                retryOn: Poll.IsTransient);

            var run = Assert.Single(finished);
            Assert.Equal(running.Metadata.Name, run.Metadata.Name);
            Assert.Equal(RunPhase.Succeeded, run.Status.Phase);
            Assert.Equal("1.0", run.Status.ProducedVersion);
            var jobs = await stack.Client.BatchV1.ListNamespacedJobAsync("default", cancellationToken: deadline.Token);
            var onlyJob = Assert.Single(jobs.Items);
            Assert.Equal(jobUid, onlyJob.Metadata.Uid);
            Assert.Equal("1.0", model!.Status.PromotedVersion);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static ChildProcess StartOperator(LocalStack stack, LocalModeOptions options) =>
        ChildProcess.Start("dotnet",
        [
            OperatorAssembly, "run",
            $"--Kubeconfig={stack.KubeconfigPath}",
            $"--Port={Ports.Free().ToString(CultureInfo.InvariantCulture)}",
            .. LocalStack.OperatorArguments(options),
        ]);
}
