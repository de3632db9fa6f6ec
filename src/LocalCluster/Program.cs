namespace Flywheel.ApiServer;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        using var interrupted = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            interrupted.Cancel();
        };
        AppDomain.CurrentDomain.ProcessExit += (_, _) => interrupted.Cancel();
        return await LocalClusterCli.Create().RunAsync(args, Console.Out, Console.Error, interrupted.Token);
    }
}
