namespace Flywheel.LocalCluster;

public static class Program
{
    public static Task<int> Main(string[] args) =>
        LocalClusterCli.Create().RunAsync(args, Console.Out, Console.Error);
}
