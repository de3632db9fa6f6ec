using k8s;
using k8s.Models;

namespace Flywheel.ApiServer.Tests.Storage;

public sealed class DataDirectoryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("flywheel-localcluster-data-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Objects_and_crds_survive_a_restart_and_versions_keep_increasing()
    {
        string lastVersion;
        await using (var cluster = await LocalCluster.StartAsync(new LocalClusterOptions { DataDirectory = _dir }))
        {
            using var client = new Kubernetes(cluster.ClientConfiguration);
            await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "team" } });
            await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "kept" }, Data = new Dictionary<string, string> { ["a"] = "1" } }, "team");
            var doomed = await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "doomed" } }, "team");
            await client.CoreV1.DeleteNamespacedConfigMapAsync("doomed", "team");
            lastVersion = doomed.Metadata.ResourceVersion;
        }

        Assert.Empty(Directory.EnumerateFiles(_dir, "*.tmp", SearchOption.AllDirectories));
        await using (var cluster = await LocalCluster.StartAsync(new LocalClusterOptions { DataDirectory = _dir }))
        {
            using var client = new Kubernetes(cluster.ClientConfiguration);
            var names = (await client.CoreV1.ListNamespacedConfigMapAsync("team")).Items.Select(c => c.Metadata.Name);
            Assert.Equal(["kept"], names);
            var updated = await client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("{\"data\":{\"a\":\"2\"}}", V1Patch.PatchType.MergePatch), "kept", "team");
            Assert.True(long.Parse(updated.Metadata.ResourceVersion) > long.Parse(lastVersion) + 1);
        }
    }

    [Fact]
    public async Task A_leftover_temporary_file_from_a_killed_write_is_ignored()
    {
        await using (var cluster = await LocalCluster.StartAsync(new LocalClusterOptions { DataDirectory = _dir }))
        {
            using var client = new Kubernetes(cluster.ClientConfiguration);
            await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "whole" }, Data = new Dictionary<string, string> { ["v"] = "ok" } }, "default");
        }

        var file = Directory.EnumerateFiles(_dir, "whole.json", SearchOption.AllDirectories).Single();
        await File.WriteAllTextAsync(file + ".tmp", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"na");

        await using (var cluster = await LocalCluster.StartAsync(new LocalClusterOptions { DataDirectory = _dir }))
        {
            using var client = new Kubernetes(cluster.ClientConfiguration);
            Assert.Equal("ok", (await client.CoreV1.ReadNamespacedConfigMapAsync("whole", "default")).Data["v"]);
        }

        Assert.False(File.Exists(file + ".tmp"));
    }
}
