namespace Flywheel.Operator;

public static class Program
{
    public static Task<int> Main(string[] args) =>
        OperatorCli.Create().RunAsync(args, Console.Out, Console.Error);
}
