using Flywheel.ApiServer;
using Flywheel.Testing;

namespace Flywheel.Deploy.Tests.Crds;

/// <summary>One embedded cluster with Flywheel's CRDs and samples applied by the real kubectl.</summary>
public sealed class CrdClusterFixture : IAsyncLifetime
{
    private LocalCluster? _cluster;

    public KubeTools Kube { get; private set; } = null!;

    public string CrdDirectory => Path.Combine(TestTools.RepositoryRoot, "deploy", "crds");

    public string SampleDirectory => Path.Combine(TestTools.RepositoryRoot, "deploy", "samples");

    public string CrdApplyOutput { get; private set; } = string.Empty;

    public string SampleApplyOutput { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        _cluster = await LocalCluster.StartAsync();
        Kube = new KubeTools(_cluster.KubeconfigPath);
        CrdApplyOutput = await Kube.KubectlOkAsync("apply", "-f", CrdDirectory);
        await Kube.KubectlOkAsync("wait", "--for=condition=Established", "--timeout=30s", "-f", CrdDirectory);
        SampleApplyOutput = await Kube.KubectlOkAsync("apply", "-R", "-f", SampleDirectory);
    }

    public async Task DisposeAsync()
    {
        Kube?.Dispose();
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
