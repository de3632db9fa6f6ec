using System.Text.Json;

namespace Flywheel.Deploy.Tests.Images;

/// <summary>The instructions of a Dockerfile that the image tests check, continuation lines joined.</summary>
internal sealed record Dockerfile(IReadOnlyList<(string Instruction, string Arguments)> Lines)
{
    public static Dockerfile Load(string path)
    {
        var lines = new List<(string, string)>();
        var pending = string.Empty;
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }

            line = pending + line;
            pending = string.Empty;
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            lines.Add((line[..space].ToUpperInvariant(), line[(space + 1)..].Trim()));
        }

        return new Dockerfile(lines);
    }

    public IEnumerable<string> Arguments(string instruction) =>
        Lines.Where(l => l.Instruction == instruction).Select(l => l.Arguments);

    /// <summary>Local sources of COPY instructions (those without --from), relative to the build context.</summary>
    public IEnumerable<string> LocalCopySources() =>
        Arguments("COPY")
            .Where(a => !a.StartsWith("--from", StringComparison.Ordinal))
            .SelectMany(a =>
            {
                var parts = a.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return parts[..^1];
            });

    /// <summary>The project path of the <c>dotnet publish</c> RUN line.</summary>
    public string PublishedProject() =>
        Arguments("RUN")
            .Select(a => a.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(p => p.Length > 2 && p[0] == "dotnet" && p[1] == "publish")
            .Select(p => p[2])
            .Single();

    /// <summary>The exec-form ENTRYPOINT as an argument list.</summary>
    public IReadOnlyList<string> Entrypoint() =>
        JsonSerializer.Deserialize<string[]>(Arguments("ENTRYPOINT").Last())!;
}
