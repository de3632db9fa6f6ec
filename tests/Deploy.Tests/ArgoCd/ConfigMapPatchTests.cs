using Flywheel.Testing;
using YamlDotNet.RepresentationModel;

namespace Flywheel.Deploy.Tests.ArgoCd;

public sealed class ConfigMapPatchTests
{
    [Fact]
    public void The_argocd_cm_patch_holds_exactly_the_health_scripts()
    {
        var yaml = new YamlStream();
        using (var reader = File.OpenText(Path.Combine(TestTools.RepositoryRoot, "deploy", "argocd", "argocd-cm-patch.yaml")))
        {
            yaml.Load(reader);
        }

        var data = (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode).Children[new YamlScalarNode("data")];
        var inPatch = data.Children.ToDictionary(
            kv => ((YamlScalarNode)kv.Key).Value!,
            kv => ((YamlScalarNode)kv.Value).Value!);

        var files = Directory.GetFiles(LuaHealthRunner.HealthDirectory, "*.lua")
            .ToDictionary(f => "resource.customizations.health." + Path.GetFileNameWithoutExtension(f), File.ReadAllText);

        Assert.Equal(
            ["flywheel.dev_Model", "flywheel.dev_ModelDeployment", "flywheel.dev_RetrainPolicy", "flywheel.dev_TrainingRun"],
            files.Keys.Select(k => k["resource.customizations.health.".Length..]).Order());
        Assert.Equal(files.Keys.Order(), inPatch.Keys.Order());
        foreach (var (key, script) in files)
        {
            Assert.Equal(script, inPatch[key]);
        }
    }
}
