namespace Flywheel.Trainer;

public static class Program
{
    public static Task<int> Main(string[] args) =>
        TrainerCli.Create().RunAsync(args, Console.Out, Console.Error);
}
