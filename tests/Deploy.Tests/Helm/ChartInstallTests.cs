using System.Text.Json.Nodes;
using Flywheel.ApiServer;
using Flywheel.Testing;

namespace Flywheel.Deploy.Tests.Helm;

/// <summary>The chart against an API server: installed, upgraded and removed by the real helm; rendered and applied by the real kubectl.</summary>
public sealed class ChartInstallTests
{
    private static string MonitoringCrds => Path.Combine(TestTools.RepositoryRoot, "tests", "Deploy.Tests", "Helm", "Fixtures", "monitoring-crds.yaml");

    [Fact]
    public async Task Helm_installs_upgrades_and_uninstalls_the_chart_with_every_feature()
    {
        await using var cluster = await LocalCluster.StartAsync();
        using var kube = new KubeTools(cluster.KubeconfigPath);
        await kube.KubectlOkAsync("apply", "-f", MonitoringCrds);

        var install = await kube.HelmAsync(["install", "flywheel", RenderedManifests.ChartDirectory, "--namespace", "flywheel-system", "--create-namespace", .. RenderedManifests.EveryFeature]);
        Assert.True(install.ExitCode == 0, install.ToString());
        Assert.Contains("STATUS: deployed", install.Stdout);
        Assert.Contains("kubectl get flywheel", install.Stdout);

        var crds = await kube.KubectlOkAsync("get", "crds", "-o", "name");
        Assert.Equal(4, crds.Split('\n').Count(l => l.EndsWith(".flywheel.dev", StringComparison.Ordinal)));

        var objects = await kube.KubectlOkAsync("get", "deployment,service,serviceaccount,pvc,networkpolicy,pdb,configmap,servicemonitor,podmonitor,prometheusrule,role,rolebinding", "-n", "flywheel-system", "-l", "app.kubernetes.io/instance=flywheel", "-o", "name");
        var kinds = objects.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(n => n.Split('/')[0]).ToHashSet();
        Assert.Superset(
            new HashSet<string> { "deployment.apps", "service", "serviceaccount", "persistentvolumeclaim", "networkpolicy.networking.k8s.io", "poddisruptionbudget.policy", "configmap", "servicemonitor.monitoring.coreos.com", "podmonitor.monitoring.coreos.com", "prometheusrule.monitoring.coreos.com", "role.rbac.authorization.k8s.io", "rolebinding.rbac.authorization.k8s.io" },
            kinds);

        var upgrade = await kube.HelmAsync("upgrade", "flywheel", RenderedManifests.ChartDirectory, "--namespace", "flywheel-system", "--reuse-values", "--set", "operator.replicas=3");
        Assert.True(upgrade.ExitCode == 0, upgrade.ToString());
        var deployment = JsonNode.Parse(await kube.KubectlOkAsync("get", "deployment", "flywheel-operator", "-n", "flywheel-system", "-o", "json"))!;
        Assert.Equal(3, (int)deployment["spec"]!["replicas"]!);

        var status = await kube.HelmAsync("status", "flywheel", "--namespace", "flywheel-system");
        Assert.Contains("REVISION: 2", status.Stdout);

        var uninstall = await kube.HelmAsync("uninstall", "flywheel", "--namespace", "flywheel-system");
        Assert.True(uninstall.ExitCode == 0, uninstall.ToString());
        var left = await kube.KubectlOkAsync("get", "deployment,service,configmap", "-n", "flywheel-system", "-l", "app.kubernetes.io/instance=flywheel", "-o", "name");
        Assert.Equal(string.Empty, left.Trim());

        // The model store is kept (helm.sh/resource-policy: keep): trained versions outlive the release.
        var pvc = await kube.KubectlOkAsync("get", "pvc", "-n", "flywheel-system", "-o", "name");
        Assert.Contains("persistentvolumeclaim/flywheel-model-store", pvc);
    }

    [Fact]
    public async Task Kubectl_applies_the_rendered_manifests_and_reapplies_them_unchanged()
    {
        await using var cluster = await LocalCluster.StartAsync();
        using var kube = new KubeTools(cluster.KubeconfigPath);
        await kube.KubectlOkAsync("apply", "-f", MonitoringCrds);
        await kube.KubectlOkAsync("create", "namespace", "flywheel-system");

        var rendered = await RenderedManifests.TemplateRawAsync(["--include-crds", .. RenderedManifests.EveryFeature]);
        Assert.True(rendered.ExitCode == 0, rendered.ToString());
        var path = Path.Combine(Path.GetTempPath(), $"flywheel-rendered-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, rendered.Stdout);
        try
        {
            var first = await kube.KubectlAsync("apply", "--server-side", "-f", path);
            Assert.True(first.ExitCode == 0, first.ToString());
            var documents = RenderedManifests.Parse(rendered.Stdout).Count;
            Assert.Equal(documents, first.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

            var second = await kube.KubectlAsync("apply", "--server-side", "-f", path);
            Assert.True(second.ExitCode == 0, second.ToString());
            Assert.All(second.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.EndsWith(" serverside-applied", line));

            var roles = await kube.KubectlOkAsync("get", "clusterroles", "-o", "name");
            Assert.Contains("clusterrole.rbac.authorization.k8s.io/flywheel-data-scientist", roles);
            Assert.Contains("clusterrole.rbac.authorization.k8s.io/flywheel-ml-engineer", roles);
            Assert.Contains("clusterrole.rbac.authorization.k8s.io/flywheel-viewer", roles);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
