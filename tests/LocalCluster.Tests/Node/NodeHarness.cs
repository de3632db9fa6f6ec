using Flywheel.ApiServer.Node;
using Flywheel.Testing;
using k8s;
using k8s.Models;

namespace Flywheel.ApiServer.Tests.Node;

/// <summary>An in-process cluster with a local node whose "images" are tiny local programs.</summary>
internal sealed class NodeHarness : IAsyncDisposable
{
    private NodeHarness(LocalCluster cluster, LocalNode node, Kubernetes client, string root)
    {
        Cluster = cluster;
        Node = node;
        Client = client;
        Root = root;
    }

    public LocalCluster Cluster { get; }

    public LocalNode Node { get; }

    public Kubernetes Client { get; }

    public string Root { get; }

    // Declared before Images: static initializers run in text order.
    private static string Python { get; } = ResolvePython();

    /// <summary>"test/sh" runs its args as a shell script; "test/http" serves HTTP on the port in its args.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Images { get; } = new Dictionary<string, IReadOnlyList<string>>
    {
        ["test/sh"] = ["/bin/sh", "-c"],
        ["test/http"] = [Python, "-m", "http.server"],
    };

    public static async Task<NodeHarness> StartAsync(TimeSpan? shutdownGrace = null)
    {
        var root = Directory.CreateTempSubdirectory("flywheel-node-test-").FullName;
        var cluster = await LocalCluster.StartAsync();
        var node = await LocalNode.StartAsync(cluster.ClientConfiguration, new NodeOptions
        {
            Images = Images,
            RootDirectory = root,
            ResyncInterval = TimeSpan.FromMilliseconds(200),
            RestartBackoff = TimeSpan.FromMilliseconds(200),
            ShutdownGracePeriod = shutdownGrace ?? TimeSpan.FromSeconds(1),
        });
        return new NodeHarness(cluster, node, new Kubernetes(cluster.ClientConfiguration), root);
    }

    public static V1Container Shell(string name, string script) => new() { Name = name, Image = "test/sh", Args = [script] };

    public static V1Container Http(string name, string bind = "0.0.0.0") => new()
    {
        Name = name,
        Image = "test/http",
        Args = ["8080", "--bind", bind],
        Ports = [new V1ContainerPort { Name = "http", ContainerPort = 8080 }],
        ReadinessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/", Port = "http" }, PeriodSeconds = 1, FailureThreshold = 1 },
    };

    public async Task<List<V1Pod>> PodsAsync(string? selector = null) =>
        (await Client.CoreV1.ListNamespacedPodAsync("default", labelSelector: selector)).Items.ToList();

    /// <summary>The Endpoints of a service, or an empty one until the controller has written it.</summary>
    public async Task<V1Endpoints> EndpointsAsync(string name)
    {
        try
        {
            return await Client.CoreV1.ReadNamespacedEndpointsAsync(name, "default");
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return new V1Endpoints { Subsets = [] };
        }
    }

    /// <summary>Polls like <see cref="Poll"/>, and on a timeout also says what every pod was doing.</summary>
    public async Task<T> WaitAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, int seconds = 30)
    {
        try
        {
            return await Poll.UntilAsync(probe, done, TimeSpan.FromSeconds(seconds), what, interval: TimeSpan.FromMilliseconds(50));
        }
        catch (TimeoutException timeout)
        {
            throw new TimeoutException($"{timeout.Message}; pods: {string.Join("; ", (await PodsAsync()).Select(Describe))}", timeout);
        }
    }

    public static string Describe(V1Pod p) =>
        $"{p.Metadata.Name} {p.Status?.Phase} ip={p.Status?.PodIP} deleting={p.Metadata.DeletionTimestamp is not null} "
        + string.Join(",", (p.Status?.ContainerStatuses ?? []).Select(c => $"{c.Name}:ready={c.Ready},waiting={c.State?.Waiting?.Reason},exit={c.State?.Terminated?.ExitCode}"));

    public static bool IsReady(V1Pod p) =>
        p.Metadata.DeletionTimestamp is null && p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Node.DisposeAsync();
        await Cluster.DisposeAsync();
        Directory.Delete(Root, recursive: true);
    }

    private static string ResolvePython()
    {
        // The pyenv shim costs a second process per start; the interpreter itself starts faster.
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("python3", ["-c", "import sys; print(sys.executable)"]) { RedirectStandardOutput = true })!;
        var path = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return path.Length > 0 ? path : "python3";
    }
}
