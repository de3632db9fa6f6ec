using Flywheel.Testing;

namespace Flywheel.ApiServer.Tests.Tools;

/// <summary>
/// The real kubectl and helm against one cluster (through <see cref="KubeTools"/>, which keeps discovery
/// caches private to the test), plus a work folder for the manifests a test writes.
/// </summary>
internal sealed class ClusterTools : IDisposable
{
    private readonly KubeTools _kube;

    public ClusterTools(LocalCluster cluster)
    {
        _kube = new KubeTools(cluster.KubeconfigPath);
        WorkDirectory = Directory.CreateTempSubdirectory("flywheel-kubectl-work-").FullName;
    }

    public string WorkDirectory { get; }

    public Task<ToolResult> KubectlAsync(params string[] args) => _kube.KubectlAsync(args);

    public Task<ToolResult> KubectlWithInputAsync(string stdin, params string[] args) => _kube.KubectlWithInputAsync(stdin, args);

    public Task<ToolResult> HelmAsync(params string[] args) => _kube.HelmAsync(args);

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
        _kube.Dispose();
        if (Directory.Exists(WorkDirectory))
        {
            Directory.Delete(WorkDirectory, recursive: true);
        }
    }
}
