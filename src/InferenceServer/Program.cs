namespace Flywheel.InferenceServer;

public static class Program
{
    public static Task<int> Main(string[] args) =>
        InferenceServerCli.Create().RunAsync(args, Console.Out, Console.Error);
}
