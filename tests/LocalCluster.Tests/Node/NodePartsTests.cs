using Flywheel.ApiServer.Node;
using k8s.Models;

namespace Flywheel.ApiServer.Tests.Node;

/// <summary>The pure parts of the node: image names, path rewriting, $(VAR) expansion, surge arithmetic, template hashes.</summary>
public sealed class NodePartsTests
{
    [Theory]
    [InlineData("flywheel/inference", "flywheel/inference")]
    [InlineData("flywheel/inference:1.2", "flywheel/inference")]
    [InlineData("registry:5000/a/b:tag", "registry:5000/a/b")]
    [InlineData("registry:5000/a/b", "registry:5000/a/b")]
    [InlineData("a/b@sha256:abc", "a/b")]
    public void Image_names_lose_their_tag_or_digest(string image, string expected) =>
        Assert.Equal(expected, ImageMap.WithoutTagOrDigest(image));

    [Fact]
    public void An_exact_tagged_entry_wins_over_the_name()
    {
        var map = new ImageMap(new Dictionary<string, IReadOnlyList<string>> { ["app"] = ["generic"], ["app:debug"] = ["debug"] });
        Assert.Equal(["debug"], map.Resolve("app:debug"));
        Assert.Equal(["generic"], map.Resolve("app:1.0"));
        Assert.Null(map.Resolve("other"));
    }

    [Fact]
    public void The_project_images_map_to_the_built_programs()
    {
        var images = NodeOptions.ProjectImages("/repo");
        var inference = new ImageMap(images).Resolve("ghcr.io/flywheel/flywheel-inference:latest");
        Assert.Equal(["dotnet", "/repo/src/InferenceServer/bin/Release/net10.0/Flywheel.InferenceServer.dll"], inference);
        Assert.Equal(["dotnet", "/repo/src/Trainer/bin/Release/net10.0/Flywheel.Trainer.dll"], new ImageMap(images).Resolve("flywheel/trainer:0.1"));
    }

    [Theory]
    [InlineData("/models/default/iris", "/n/pvc/store/default/iris")]
    [InlineData("--out=/models", "--out=/n/pvc/store")]
    [InlineData("/models", "/n/pvc/store")]
    [InlineData("/modelsx/a", "/modelsx/a")]
    [InlineData("/data/models", "/data/models")]
    [InlineData("/models/tmp", "/n/pvc/store/tmp")]
    [InlineData("/tmp/a", "/n/pods/p/tmp/a")]
    [InlineData("/dev/termination-log", "/n/pods/p/c/termination-log")]
    [InlineData("0.0.0.0:8080", "127.0.0.5:8080")]
    public void Mount_paths_are_rewritten_as_whole_path_prefixes(string value, string expected)
    {
        var rewrite = ContainerLaunch.Rewriter([("/models", "/n/pvc/store"), ("/tmp", "/n/pods/p/tmp"), ("/dev/termination-log", "/n/pods/p/c/termination-log")], "127.0.0.5");
        Assert.Equal(expected, rewrite(value));
    }

    [Fact]
    public void A_folder_of_claim_mounts_maps_to_the_folder_of_their_local_claims()
    {
        var derived = ContainerLaunch.ParentMappings(
        [
            ("/data/sales", "/n/pvc/sales"),
            ("/data/events", "/n/pvc/events"),
            ("/models", "/n/pvc/store"),
            ("/etc/flywheel", "/n/pods/p/volumes/spec"),
            ("/mixed/a", "/n/pvc/a"),
            ("/mixed/b", "/n/pods/p/b"),
        ]).ToList();

        Assert.Equal([("/data", "/n/pvc")], derived);
    }

        [Theory]
    [InlineData("$(A)-$(B)", "1-$(B)")]
    [InlineData("$$(A)", "$(A)")]
    [InlineData("plain", "plain")]
    public void Variable_references_expand_like_kubernetes(string value, string expected) =>
        Assert.Equal(expected, ContainerLaunch.Expand(value, new Dictionary<string, string> { ["A"] = "1" }));

    [Theory]
    [InlineData("25%", 10, true, 3)]
    [InlineData("25%", 10, false, 2)]
    [InlineData("1", 10, true, 1)]
    [InlineData(null, 4, false, 1)]
    public void Surge_and_unavailability_resolve_percentages_with_kubernetes_rounding(string? value, int total, bool roundUp, int expected) =>
        Assert.Equal(expected, Workloads.Scaled(value is null ? null : (IntOrString)value, total, 25, roundUp));

    [Fact]
    public void The_template_hash_is_stable_and_changes_with_the_template()
    {
        static V1PodTemplateSpec Template(string image) => new() { Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = image }] } };
        Assert.Equal(TemplateHash.Of(Template("a")), TemplateHash.Of(Template("a")));
        Assert.NotEqual(TemplateHash.Of(Template("a")), TemplateHash.Of(Template("b")));
        Assert.Matches("^[bcdfghjklmnpqrstvwxz2456789]{1,10}$", TemplateHash.Of(Template("a")));
    }
}
