using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;

namespace Flywheel.Operator.Runtime.LeaderElection;

/// <summary>
/// Runs work only while this replica holds the Lease: the work's token is canceled the moment leadership is
/// lost (or the host stops), and the replica then competes for the Lease again as a standby.
/// </summary>
public sealed class LeaderElectedRunner(IKubernetes client, LeaderElectionOptions options, ILogger<LeaderElectedRunner> logger)
{
    private volatile bool _leading;
    private int _terms;

    public bool IsLeader => _leading;

    /// <summary>How many times this replica started leading.</summary>
    public int Terms => Volatile.Read(ref _terms);

    public string Identity => options.Identity;

    public async Task RunAsync(Func<CancellationToken, Task> whileLeading, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(whileLeading);
        while (!cancellationToken.IsCancellationRequested)
        {
            var leaseLock = new LeaseLock(client, options.LeaseNamespace, options.LeaseName, options.Identity);
            using var elector = new LeaderElector(new LeaderElectionConfig(leaseLock)
            {
                LeaseDuration = options.LeaseDuration,
                RenewDeadline = options.RenewDeadline,
                RetryPeriod = options.RetryPeriod,
            });
            using var term = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Task? work = null;
            elector.OnStartedLeading += () =>
            {
                _leading = true;
                Interlocked.Increment(ref _terms);
                logger.LogInformation("{Identity} is now the leader of {Namespace}/{Lease}", options.Identity, options.LeaseNamespace, options.LeaseName);
                work = Task.Run(() => whileLeading(term.Token), CancellationToken.None);
            };
            elector.OnStoppedLeading += () =>
            {
                _leading = false;
                logger.LogWarning("{Identity} lost the leadership of {Namespace}/{Lease}; stopping controllers", options.Identity, options.LeaseNamespace, options.LeaseName);
                term.Cancel();
            };
            elector.OnError += ex => logger.LogDebug(ex, "Leader election of {Namespace}/{Lease} hit an error; retrying", options.LeaseNamespace, options.LeaseName);

            try
            {
                await elector.RunUntilLeadershipLostAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Host shutdown.
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Leader election of {Namespace}/{Lease} failed; retrying", options.LeaseNamespace, options.LeaseName);
            }
            finally
            {
                _leading = false;
                await term.CancelAsync().ConfigureAwait(false);
                if (work is not null)
                {
                    await WaitQuietlyAsync(work).ConfigureAwait(false);
                }
            }
        }
    }

    private async Task WaitQuietlyAsync(Task work)
    {
        try
        {
            await work.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Work run while leading failed");
        }
    }
}
