using Flywheel.Testing;

namespace Flywheel.Deploy.Tests.Images;

/// <summary>
/// No Docker engine runs here, so the images are checked by what they depend on: every file they
/// copy exists, the project they publish publishes, and the entrypoint is in its output and starts.
/// </summary>
public sealed class DockerfileTests
{
    public static TheoryData<string, string> Images() => new()
    {
        { "Dockerfile.operator", "Flywheel.Operator.dll" },
        { "Dockerfile.inference", "Flywheel.InferenceServer.dll" },
        { "Dockerfile.trainer", "Flywheel.Trainer.dll" },
    };

    private static Dockerfile Load(string name) => Dockerfile.Load(Path.Combine(TestTools.RepositoryRoot, name));

    [Theory]
    [MemberData(nameof(Images))]
    public void Every_local_copy_source_exists(string name, string _)
    {
        var sources = Load(name).LocalCopySources().ToArray();

        Assert.NotEmpty(sources);
        Assert.All(sources, source => Assert.True(
            File.Exists(Path.Combine(TestTools.RepositoryRoot, source)) || Directory.Exists(Path.Combine(TestTools.RepositoryRoot, source)),
            $"{name} copies {source}, which does not exist"));
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Runs_as_a_non_root_user_with_oci_labels(string name, string _)
    {
        var file = Load(name);

        Assert.Equal("65532:65532", file.Arguments("USER").Last());
        var labels = string.Join(' ', file.Arguments("LABEL"));
        Assert.Contains("org.opencontainers.image.title=", labels);
        Assert.Contains("org.opencontainers.image.version=", labels);
    }

    [Theory]
    [InlineData("Dockerfile.inference")]
    [InlineData("Dockerfile.trainer")]
    public void Gpu_images_default_to_a_cuda_13_base_with_a_cpu_variant(string name)
    {
        var file = Load(name);
        var stages = file.Arguments("FROM").ToArray();

        Assert.Contains("ARG VARIANT=cuda", file.Lines.Select(l => $"{l.Instruction} {l.Arguments}"));
        Assert.Contains(stages, s => s.StartsWith("nvidia/cuda:13.", StringComparison.Ordinal) && s.Contains("cudnn", StringComparison.Ordinal) && s.EndsWith("AS base-cuda", StringComparison.Ordinal));
        Assert.Contains(stages, s => s.EndsWith("AS base-cpu", StringComparison.Ordinal));
        Assert.Contains("base-${VARIANT} AS runtime", stages);
    }

    [Theory]
    [MemberData(nameof(Images))]
    public async Task The_published_project_holds_the_entrypoint_and_it_starts(string name, string assembly)
    {
        var file = Load(name);
        var project = Path.Combine(TestTools.RepositoryRoot, file.PublishedProject());
        Assert.True(File.Exists(project), $"{name} publishes {project}, which does not exist");

        var entrypoint = file.Entrypoint();
        Assert.Equal(["dotnet", $"/app/{assembly}"], entrypoint);

        var output = Path.Combine(Path.GetTempPath(), $"flywheel-publish-{Guid.NewGuid():N}");
        try
        {
            var publish = await TestTools.RunAsync("dotnet", ["publish", project, "-c", "Release", "-o", output, "--nologo", "-v", "quiet"], TimeSpan.FromMinutes(5));
            Assert.True(publish.ExitCode == 0, publish.ToString());
            Assert.True(File.Exists(Path.Combine(output, assembly)), $"{assembly} is not in the publish output of {project}");

            var help = await TestTools.RunAsync("dotnet", [Path.Combine(output, assembly), "--help"], TimeSpan.FromMinutes(1));
            Assert.True(help.ExitCode == 0, help.ToString());
            Assert.Contains("Usage:", help.Stdout);
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }
}
