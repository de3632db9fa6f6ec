using Flywheel.Operator.Api.V1Alpha1;
using Flywheel.Operator.Runtime.Reconciliation;
using Flywheel.Operator.Tests.Controllers.Support;
using k8s.Models;

namespace Flywheel.Operator.Tests.Controllers.RetrainPolicies;

public sealed class DataChangeTests : IDisposable
{
    private readonly string _data = Path.Combine(Directory.CreateTempSubdirectory("flywheel-data-").FullName, "churn.csv");

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_data)!, recursive: true);

    [Fact]
    public async Task A_change_to_the_data_file_starts_one_run_and_an_unchanged_file_none()
    {
        await File.WriteAllTextAsync(_data, "tenure,churned\n1,0\n");
        await using var op = await OperatorCluster.StartAsync();
        await op.CreateAsync(OperatorCluster.NewModel(edit: s => s.Data.Source = new Uri(_data).AbsoluteUri));
        await op.CreateAsync(new RetrainPolicy
        {
            Metadata = new V1ObjectMeta { Name = "fresh-data" },
            Spec = new RetrainPolicySpec { ModelRef = new ObjectReference { Name = "churn" }, Triggers = new RetrainTriggers { DataChange = new DataChangeTrigger { PollInterval = "5m" } }, Cooldown = "1m" },
            Status = null!,
        });
        async Task<ReconcileResult> EvaluateAsync()
        {
            op.Clock.Advance(TimeSpan.FromMinutes(5));
            return await op.Policies.ReconcileAsync(await op.GetAsync<RetrainPolicy>("fresh-data"), CancellationToken.None);
        }

        var first = await EvaluateAsync();
        await EvaluateAsync();
        Assert.Empty(await op.RunsAsync());
        Assert.Equal(TimeSpan.FromMinutes(5), first.RequeueAfter);
        var recorded = Assert.Single((await op.GetAsync<RetrainPolicy>("fresh-data")).Status.Triggers!);
        Assert.NotNull(recorded.Digest);

        await File.AppendAllTextAsync(_data, "2,1\n");
        await EvaluateAsync();

        var run = Assert.Single(await op.RunsAsync());
        Assert.Equal(RunReason.DataChange, run.Spec.Reason);
        Assert.NotEqual(recorded.Digest, Assert.Single((await op.GetAsync<RetrainPolicy>("fresh-data")).Status.Triggers!).Digest);
    }
}
