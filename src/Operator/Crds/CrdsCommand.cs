using Flywheel.Contracts.Cli;
using Flywheel.Operator.Api.V1Alpha1;

namespace Flywheel.Operator.Crds;

/// <summary>
/// <c>crds [--output DIR]</c>: writes one CRD file per kind into DIR, or prints them all as one
/// multi-document YAML stream when no DIR is given (for <c>| kubectl apply -f -</c>).
/// </summary>
internal static class CrdsCommand
{
    public static async Task<int> RunAsync(CommandLine args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        args.RejectUnknown("output");
        if (args.Has("output") && string.IsNullOrWhiteSpace(args.Get("output")))
        {
            throw new CommandLineException("--output needs a directory, for example --output deploy/crds");
        }

        var files = CrdWriter.RenderAll(CrdGenerator.CreateDefault(), FlywheelApi.Kinds);
        var output = args.Get("output");
        if (output is null)
        {
            await stdout.WriteAsync(string.Join("---\n", files.Select(f => f.Content)));
            return 0;
        }

        Directory.CreateDirectory(output);
        foreach (var (fileName, content) in files)
        {
            var path = Path.Combine(output, fileName);
            await File.WriteAllTextAsync(path, content, cancellationToken);
            await stdout.WriteLineAsync($"wrote {path}");
        }

        return 0;
    }
}
