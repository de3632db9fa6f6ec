using System.Diagnostics;
using Flywheel.ApiServer;
using Flywheel.ApiServer.Node;
using Flywheel.Operator.Api.V1Alpha1;
using Flywheel.Operator.Crds;
using Flywheel.Operator.Hosting;
using k8s;
using k8s.Models;

namespace Flywheel.Operator.Local;

/// <summary>
/// Flywheel on one machine: the embedded API server, a node that runs Pods as local processes, the
/// CRDs, and the operator itself, talking to the API server over HTTP as it would in a cluster.
/// Disposing it stops the operator, every process the node started, and the API server.
/// </summary>
internal sealed class LocalStack : IAsyncDisposable
{
    public const string ModelStoreClaim = "flywheel-models";
    public const string DataClaim = "flywheel-data";
    public const string TrainerImage = "flywheel/trainer:local";
    public const string InferenceImage = "flywheel/inference:local";

    /// <summary>The identity the in-process operator presents, so the API server's audit tells its calls apart.</summary>
    public const string OperatorUser = "flywheel-operator";

    private readonly LocalCluster _cluster;
    private readonly LocalNode _node;
    private readonly WebApplication? _operator;

    private LocalStack(LocalCluster cluster, LocalNode node, WebApplication? @operator, IKubernetes client, string root)
    {
        _cluster = cluster;
        _node = node;
        _operator = @operator;
        Client = client;
        RootDirectory = root;
    }

    public IKubernetes Client { get; }

    public string KubeconfigPath => _cluster.KubeconfigPath;

    /// <summary>Every API call, with who made it.</summary>
    public ClusterAudit Audit => _cluster.Audit;

    public string RootDirectory { get; }

    /// <summary>The local folder behind a PersistentVolumeClaim.</summary>
    public string ClaimDirectory(string claim) => Path.Combine(RootDirectory, "node", "pvc", claim);

    public static async Task<LocalStack> StartAsync(
        LocalModeOptions options, Action<IServiceCollection, OperatorOptions> registerControllers, TextWriter log, CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(options.DataDirectory);
        Directory.CreateDirectory(root);
        await EnsureBuiltAsync(options, log, cancellationToken);

        var cluster = await LocalCluster.StartAsync(new LocalClusterOptions
        {
            Port = options.Port,
            KubeconfigPath = Path.Combine(root, "kubeconfig"),
        }, cancellationToken);
        LocalNode? node = null;
        try
        {
            node = await LocalNode.StartAsync(cluster.ClientConfiguration, new NodeOptions
            {
                Images = NodeOptions.ProjectImages(options.RepositoryRoot, options.Configuration),
                RootDirectory = Path.Combine(root, "node"),
            }, cancellationToken);
            var client = new Kubernetes(cluster.ClientConfiguration);
            await InstallAsync(client, cancellationToken);

            WebApplication? app = null;
            if (options.StartOperator)
            {
                var identity = cluster.ClientConfiguration;
                identity.AccessToken = OperatorUser;
                app = OperatorHost.Build([$"--Port={FreeLoopbackPort()}", .. OperatorArguments(options)], registerControllers, identity);
                await app.StartAsync(cancellationToken);
            }

            return new LocalStack(cluster, node, app, client, root);
        }
        catch
        {
            if (node is not null)
            {
                await node.DisposeAsync();
            }

            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>The operator's settings in local mode: the local images, the store claim, a short lease.</summary>
    public static IReadOnlyList<string> OperatorArguments(LocalModeOptions options) =>
    [
        $"--Images:Trainer={TrainerImage}",
        $"--Images:Inference={InferenceImage}",
        $"--ModelStoreClaim={ModelStoreClaim}",
        $"--PrometheusUrl={options.PrometheusUrl}",
        "--LeaderElection:LeaseNamespace=flywheel-system",
        "--LeaderElection:LeaseDurationSeconds=4",
        "--LeaderElection:RenewDeadlineSeconds=3",
        "--LeaderElection:RetryPeriodSeconds=1",
    ];

    /// <summary>The CRDs (generated from the API types, as deploy/crds is), the operator's namespace and the two claims.</summary>
    private static async Task InstallAsync(IKubernetes client, CancellationToken cancellationToken)
    {
        var generator = CrdGenerator.CreateDefault();
        foreach (var kind in FlywheelApi.Kinds)
        {
            await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(generator.Generate(kind), cancellationToken: cancellationToken);
        }

        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "flywheel-system" } }, cancellationToken: cancellationToken);
        foreach (var claim in new[] { ModelStoreClaim, DataClaim })
        {
            await client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(new V1PersistentVolumeClaim
            {
                Metadata = new V1ObjectMeta { Name = claim },
                Spec = new V1PersistentVolumeClaimSpec
                {
                    AccessModes = ["ReadWriteMany"],
                    Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new("10Gi") } },
                },
            }, "default", cancellationToken: cancellationToken);
        }
    }

    /// <summary>The node runs the built trainer and inference server; build them when they are missing.</summary>
    private static async Task EnsureBuiltAsync(LocalModeOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        foreach (var (project, assembly) in new[] { ("Trainer", "Flywheel.Trainer"), ("InferenceServer", "Flywheel.InferenceServer") })
        {
            var built = Path.Combine(options.RepositoryRoot, "src", project, "bin", options.Configuration, "net10.0", assembly + ".dll");
            if (File.Exists(built))
            {
                continue;
            }

            await log.WriteLineAsync($"building src/{project} ({options.Configuration}) for the local node…");
            var info = new ProcessStartInfo("dotnet") { WorkingDirectory = options.RepositoryRoot, UseShellExecute = false };
            foreach (var argument in new[] { "build", $"src/{project}", "-c", options.Configuration, "--nologo", "-v", "quiet" })
            {
                info.ArgumentList.Add(argument);
            }

            using var build = Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet build");
            await build.WaitForExitAsync(cancellationToken);
            if (build.ExitCode != 0)
            {
                throw new InvalidOperationException($"dotnet build src/{project} failed (exit {build.ExitCode}); run it yourself to see why");
            }
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (_operator is not null)
        {
            await _operator.StopAsync();
            await _operator.DisposeAsync();
        }

        await _node.DisposeAsync();
        await _cluster.DisposeAsync();
        Client.Dispose();
    }
}
