using Flywheel.ApiServer.Tests.Tools;
using Flywheel.Testing;

namespace Flywheel.ApiServer.Tests.Http;

/// <summary>The real helm 4.1 (server-side apply by default) installing, upgrading, rolling back and uninstalling a chart.</summary>
public sealed class HelmTests : IAsyncLifetime
{
    private LocalCluster _cluster = null!;
    private ClusterTools _tools = null!;

    public async Task InitializeAsync()
    {
        _cluster = await LocalCluster.StartAsync();
        _tools = new ClusterTools(_cluster);
    }

    public async Task DisposeAsync()
    {
        _tools.Dispose();
        await _cluster.DisposeAsync();
    }

    private async Task<ToolResult> Helm(params string[] args)
    {
        var result = await _tools.HelmAsync(args);
        Assert.True(result.ExitCode == 0, $"helm {string.Join(' ', args)}\n{result}");
        return result;
    }

    private async Task<string> Kubectl(params string[] args)
    {
        var result = await _tools.KubectlAsync(args);
        Assert.True(result.ExitCode == 0, $"kubectl {string.Join(' ', args)}\n{result}");
        return result.Stdout;
    }

    [Fact]
    public async Task Install_upgrade_rollback_and_uninstall_a_chart_with_a_crd()
    {
        _tools.WriteFile("chart/Chart.yaml", Manifests.ChartYaml);
        _tools.WriteFile("chart/values.yaml", Manifests.ChartValues);
        _tools.WriteFile("chart/crds/widgets.yaml", Manifests.WidgetCrd);
        var chart = Path.GetDirectoryName(_tools.WriteFile("chart/templates/all.yaml", Manifests.ChartTemplates))!;
        chart = Path.GetDirectoryName(chart)!;

        await Helm("install", "demo", chart);
        Assert.Matches(@"demo\s+default\s+1\s+.*deployed\s+demo-0\.1\.0", (await Helm("list")).Stdout);
        Assert.Contains("STATUS: deployed", (await Helm("status", "demo")).Stdout);
        Assert.Equal("nginx:1.25", await Kubectl("get", "deployment", "demo-web", "-o", "jsonpath={.spec.template.spec.containers[0].image}"));
        Assert.Equal("HELLO", System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(await Kubectl("get", "secret", "demo-secret", "-o", "jsonpath={.data.token}"))));
        Assert.Equal("small", await Kubectl("get", "widget", "demo-widget", "-o", "jsonpath={.spec.size}"));

        await Helm("upgrade", "demo", chart, "--set", "image=nginx:1.26", "--set", "greeting=bye", "--set", "size=large");
        Assert.Matches(@"demo\s+default\s+2\s+.*deployed", (await Helm("list")).Stdout);
        Assert.Contains("REVISION: 2", (await Helm("status", "demo")).Stdout);
        Assert.Equal("nginx:1.26", await Kubectl("get", "deployment", "demo-web", "-o", "jsonpath={.spec.template.spec.containers[0].image}"));
        Assert.Equal("bye", await Kubectl("get", "configmap", "demo-config", "-o", "jsonpath={.data.greeting}"));
        Assert.Equal("large", await Kubectl("get", "widget", "demo-widget", "-o", "jsonpath={.spec.size}"));

        await Helm("rollback", "demo", "1");
        Assert.Matches(@"demo\s+default\s+3\s+.*deployed", (await Helm("list")).Stdout);
        var status = (await Helm("status", "demo")).Stdout;
        Assert.Contains("REVISION: 3", status);
        Assert.Contains("Rollback to 1", status);
        Assert.Equal("nginx:1.25", await Kubectl("get", "deployment", "demo-web", "-o", "jsonpath={.spec.template.spec.containers[0].image}"));
        Assert.Equal("hello", await Kubectl("get", "configmap", "demo-config", "-o", "jsonpath={.data.greeting}"));
        Assert.Matches(@"1\s+.*superseded[\s\S]*2\s+.*superseded[\s\S]*3\s+.*deployed", (await Helm("history", "demo")).Stdout);

        await Helm("uninstall", "demo");
        Assert.DoesNotContain("demo", (await Helm("list")).Stdout);
        var status404 = await _tools.HelmAsync("status", "demo");
        Assert.NotEqual(0, status404.ExitCode);
        Assert.Contains("release: not found", status404.Stderr);
        Assert.Equal(string.Empty, await Kubectl("get", "deployments,configmaps,secrets,widgets", "-o", "name"));
        Assert.Contains("widgets.example.flywheel.dev", await Kubectl("get", "crd", "-o", "name"));
    }
}
