using Flywheel.ApiServer;
using Flywheel.Operator.Runtime.LeaderElection;
using Flywheel.Testing;
using k8s;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flywheel.Operator.Tests.Runtime.LeaderElection;

public sealed class LeaderElectedRunnerTests
{
    private static LeaderElectionOptions Options(string identity) => new()
    {
        Identity = identity,
        LeaseName = "flywheel-operator",
        LeaseNamespace = "default",
        LeaseDuration = TimeSpan.FromSeconds(2),
        RenewDeadline = TimeSpan.FromSeconds(1.5),
        RetryPeriod = TimeSpan.FromMilliseconds(200),
    };

    [Fact]
    public async Task Exactly_one_of_two_replicas_leads_and_the_other_takes_over_when_it_stops()
    {
        await using var cluster = await LocalCluster.StartAsync();
        using var clientA = new Kubernetes(cluster.ClientConfiguration);
        using var clientB = new Kubernetes(cluster.ClientConfiguration);
        var a = new LeaderElectedRunner(clientA, Options("replica-a"), NullLogger<LeaderElectedRunner>.Instance);
        var b = new LeaderElectedRunner(clientB, Options("replica-b"), NullLogger<LeaderElectedRunner>.Instance);
        var active = new HashSet<string>();
        var overlap = false;

        Func<CancellationToken, Task> Work(string name) => async ct =>
        {
            lock (active)
            {
                active.Add(name);
                overlap |= active.Count > 1;
            }

            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            finally
            {
                lock (active)
                {
                    active.Remove(name);
                }
            }
        };

        using var stopA = new CancellationTokenSource();
        using var stopB = new CancellationTokenSource();
        var runA = a.RunAsync(Work("a"), stopA.Token);
        await Poll.UntilAsync(() => a.IsLeader, TimeSpan.FromSeconds(20), "the first replica leads");
        var runB = b.RunAsync(Work("b"), stopB.Token);

        // For several lease periods the standby must stay a standby.
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(3);
        while (DateTime.UtcNow < until)
        {
            Assert.True(a.IsLeader);
            Assert.False(b.IsLeader);
            await Task.Delay(50);
        }

        using (var client = new Kubernetes(cluster.ClientConfiguration))
        {
            var lease = await client.CoordinationV1.ReadNamespacedLeaseAsync("flywheel-operator", "default");
            Assert.Equal("replica-a", lease.Spec.HolderIdentity);
        }

        await stopA.CancelAsync();
        await runA;
        await Poll.UntilAsync(() => b.IsLeader, TimeSpan.FromSeconds(15), "the standby takes over");
        lock (active)
        {
            Assert.Equal(["b"], active);
        }

        await stopB.CancelAsync();
        await runB;
        Assert.False(overlap);
        Assert.Equal(1, a.Terms);
        Assert.Equal(1, b.Terms);
    }

    [Fact]
    public async Task Work_stops_when_the_lease_cannot_be_renewed()
    {
        await using var cluster = await LocalCluster.StartAsync();
        using var client = new Kubernetes(cluster.ClientConfiguration);
        var runner = new LeaderElectedRunner(client, Options("replica-a"), NullLogger<LeaderElectedRunner>.Instance);
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();
        var run = runner.RunAsync(
            async ct =>
            {
                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
                finally
                {
                    stopped.TrySetResult();
                }
            },
            stop.Token);
        await Poll.UntilAsync(() => runner.IsLeader, TimeSpan.FromSeconds(20), "the replica leads");

        cluster.Faults.FailNext("update", "leases", count: 1000, statusCode: 500);

        await stopped.Task.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.False(runner.IsLeader);
        cluster.Faults.Clear();
        await stop.CancelAsync();
        await run;
    }
}
