namespace Flywheel.Trainer;

public static class Program
{
    public static Task<int> Main(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        return TrainerCli.Create(progressBar: !Console.IsOutputRedirected).RunAsync(args, Console.Out, Console.Error, cancel.Token);
    }
}
