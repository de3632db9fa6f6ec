namespace Flywheel.Testing;

/// <summary>
/// Runs the real kubectl and helm against one kubeconfig, with a private HOME and caches so that
/// discovery caches never leak between tests. Dispose to delete them.
/// </summary>
public sealed class KubeTools : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("flywheel-kube-home-").FullName;

    public KubeTools(string kubeconfigPath)
    {
        KubeconfigPath = kubeconfigPath;
    }

    public string KubeconfigPath { get; }

    private Dictionary<string, string> Environment => new()
    {
        ["HOME"] = _home,
        ["KUBECONFIG"] = KubeconfigPath,
        ["KUBECACHEDIR"] = Path.Combine(_home, "kube-cache"),
        ["HELM_CACHE_HOME"] = Path.Combine(_home, "helm-cache"),
        ["HELM_CONFIG_HOME"] = Path.Combine(_home, "helm-config"),
        ["HELM_DATA_HOME"] = Path.Combine(_home, "helm-data"),
    };

    public Task<ToolResult> KubectlAsync(params string[] args) =>
        TestTools.RunAsync(TestTools.Kubectl, ["--kubeconfig", KubeconfigPath, .. args], TimeSpan.FromSeconds(90), Environment);

    public Task<ToolResult> KubectlWithInputAsync(string stdin, params string[] args) =>
        TestTools.RunAsync(TestTools.Kubectl, ["--kubeconfig", KubeconfigPath, .. args], TimeSpan.FromSeconds(90), Environment, stdin);

    public Task<ToolResult> HelmAsync(params string[] args) =>
        TestTools.RunAsync(TestTools.Helm, ["--kubeconfig", KubeconfigPath, .. args], TimeSpan.FromSeconds(120), Environment);

    /// <summary>Runs kubectl and fails the test with everything it printed when it exits non-zero.</summary>
    public async Task<string> KubectlOkAsync(params string[] args)
    {
        var result = await KubectlAsync(args);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"kubectl {string.Join(' ', args)} failed: {result}");
        }

        return result.Stdout;
    }

    public void Dispose()
    {
        if (Directory.Exists(_home))
        {
            Directory.Delete(_home, recursive: true);
        }
    }
}
