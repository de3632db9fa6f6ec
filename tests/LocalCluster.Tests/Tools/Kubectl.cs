using Flywheel.Testing;

namespace Flywheel.ApiServer.Tests.Tools;

/// <summary>Runs the real kubectl or helm against one cluster, with a private HOME so discovery caches never leak between tests.</summary>
internal sealed class ClusterTools : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("flywheel-kubectl-home-").FullName;
    private readonly LocalCluster _cluster;

    public ClusterTools(LocalCluster cluster)
    {
        _cluster = cluster;
        WorkDirectory = Path.Combine(_home, "work");
        Directory.CreateDirectory(WorkDirectory);
    }

    public string WorkDirectory { get; }

    private Dictionary<string, string> Environment => new()
    {
        ["HOME"] = _home,
        ["KUBECACHEDIR"] = Path.Combine(_home, "cache"),
        ["HELM_CACHE_HOME"] = Path.Combine(_home, "helm-cache"),
        ["HELM_CONFIG_HOME"] = Path.Combine(_home, "helm-config"),
        ["HELM_DATA_HOME"] = Path.Combine(_home, "helm-data"),
        ["KUBECONFIG"] = _cluster.KubeconfigPath,
    };

    public Task<ToolResult> KubectlAsync(params string[] args) =>
        TestTools.RunAsync(TestTools.Kubectl, ["--kubeconfig", _cluster.KubeconfigPath, .. args], TimeSpan.FromSeconds(90), Environment);

    public Task<ToolResult> KubectlWithInputAsync(string stdin, params string[] args) =>
        TestTools.RunAsync(TestTools.Kubectl, ["--kubeconfig", _cluster.KubeconfigPath, .. args], TimeSpan.FromSeconds(90), Environment, stdin);

    public Task<ToolResult> HelmAsync(params string[] args) =>
        TestTools.RunAsync(TestTools.Helm, ["--kubeconfig", _cluster.KubeconfigPath, .. args], TimeSpan.FromSeconds(120), Environment);

    /// <summary>Writes a file under the work folder and returns its path.</summary>
    public string WriteFile(string relativePath, string content)
    {
        var path = Path.Combine(WorkDirectory, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        if (Directory.Exists(_home))
        {
            Directory.Delete(_home, recursive: true);
        }
    }
}
