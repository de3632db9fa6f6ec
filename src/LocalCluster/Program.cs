using System.Runtime.InteropServices;

namespace Flywheel.ApiServer;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        using var interrupted = new CancellationTokenSource();
        // SIGTERM and Ctrl+C stop the server cleanly: Main returns after the cluster is disposed.
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        return await LocalClusterCli.Create().RunAsync(args, Console.Out, Console.Error, interrupted.Token);

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            interrupted.Cancel();
        }
    }
}
