using k8s;
using k8s.Models;

namespace Flywheel.ApiServer.Node;

/// <summary>
/// The node of local mode: a controller-manager (Deployments → ReplicaSets → Pods with rolling updates,
/// Jobs → Pods, Endpoints for Services) and a kubelet that runs each container as a local process. Both talk
/// to the API server over HTTP through KubernetesClient, as the real ones talk to a kube-apiserver.
/// <code>
/// await using var cluster = await LocalCluster.StartAsync();
/// await using var node = await LocalNode.StartAsync(cluster.ClientConfiguration, new NodeOptions { Images = … });
/// </code>
/// Disposing the node stops every process it started (SIGTERM, then SIGKILL to each process group).
/// </summary>
public sealed class LocalNode : IAsyncDisposable
{
    private readonly Kubernetes _client;
    private readonly NodeContext _context;
    private readonly Kubelet _kubelet;
    private readonly ControlLoop _controllers;
    private readonly ControlLoop _kubeletLoop;

    private LocalNode(Kubernetes client, NodeContext context, Kubelet kubelet, ControlLoop controllers, ControlLoop kubeletLoop)
    {
        _client = client;
        _context = context;
        _kubelet = kubelet;
        _controllers = controllers;
        _kubeletLoop = kubeletLoop;
    }

    public NodeOptions Options => _context.Options;

    /// <summary>Registers the Node object and starts the controllers and the kubelet.</summary>
    public static async Task<LocalNode> StartAsync(KubernetesClientConfiguration api, NodeOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new NodeOptions();
        Validate(options);
        Directory.CreateDirectory(options.RootDirectory);
        var client = new Kubernetes(api);
        var context = new NodeContext(options);
        await RegisterNodeAsync(client, options, cancellationToken);

        var time = options.TimeProvider;
        var deployments = new DeploymentController(client, time);
        var replicaSets = new ReplicaSetController(client, time);
        var jobs = new JobController(client, time);
        var endpoints = new EndpointsController(client);
        var controllers = new ControlLoop(options.ResyncInterval, options.Log);
        controllers.Watch<V1Deployment, V1DeploymentList>(t => client.AppsV1.ListDeploymentForAllNamespacesWithHttpMessagesAsync(watch: true, cancellationToken: t));
        controllers.Watch<V1ReplicaSet, V1ReplicaSetList>(t => client.AppsV1.ListReplicaSetForAllNamespacesWithHttpMessagesAsync(watch: true, cancellationToken: t));
        controllers.Watch<V1Job, V1JobList>(t => client.BatchV1.ListJobForAllNamespacesWithHttpMessagesAsync(watch: true, cancellationToken: t));
        controllers.Watch<V1Pod, V1PodList>(t => client.CoreV1.ListPodForAllNamespacesWithHttpMessagesAsync(watch: true, cancellationToken: t));
        controllers.Watch<V1Service, V1ServiceList>(t => client.CoreV1.ListServiceForAllNamespacesWithHttpMessagesAsync(watch: true, cancellationToken: t));
        controllers.Run(async t =>
        {
            await deployments.PassAsync(t);
            await replicaSets.PassAsync(t);
            await jobs.PassAsync(t);
            await endpoints.PassAsync(t);
        });

        var kubelet = new Kubelet(client, context);
        var kubeletLoop = new ControlLoop(options.ResyncInterval, options.Log);
        kubeletLoop.Watch<V1Pod, V1PodList>(t => client.CoreV1.ListPodForAllNamespacesWithHttpMessagesAsync(watch: true, cancellationToken: t));
        kubeletLoop.Run(kubelet.PassAsync);
        return new LocalNode(client, context, kubelet, controllers, kubeletLoop);
    }

    private static void Validate(NodeOptions options)
    {
        foreach (var (image, commandLine) in options.Images)
        {
            if (commandLine is null || commandLine.Count == 0 || string.IsNullOrWhiteSpace(commandLine[0]))
            {
                throw new ArgumentException($"NodeOptions.Images[\"{image}\"] is empty; map the image to a command line such as [\"dotnet\", \"/path/to/Program.dll\"]", nameof(options));
            }
        }

        if (string.IsNullOrWhiteSpace(options.RootDirectory))
        {
            throw new ArgumentException("NodeOptions.RootDirectory is empty; set it to a folder for volumes and logs", nameof(options));
        }
    }

    private static async Task RegisterNodeAsync(Kubernetes client, NodeOptions options, CancellationToken cancellationToken)
    {
        var node = new V1Node
        {
            ApiVersion = "v1",
            Kind = "Node",
            Metadata = new V1ObjectMeta
            {
                Name = options.NodeName,
                Labels = new Dictionary<string, string> { ["kubernetes.io/hostname"] = options.NodeName, ["kubernetes.io/os"] = "linux" },
            },
        };
        if (await PodVolumes.ReadAsync(() => client.CoreV1.ReadNodeAsync(options.NodeName, cancellationToken: cancellationToken)) is null)
        {
            await client.CoreV1.CreateNodeAsync(node, cancellationToken: cancellationToken);
        }

        var now = options.TimeProvider.GetUtcNow().UtcDateTime;
        var status = new V1NodeStatus
        {
            Addresses = [new V1NodeAddress { Type = "InternalIP", Address = "127.0.0.1" }, new V1NodeAddress { Type = "Hostname", Address = options.NodeName }],
            Conditions = [new V1NodeCondition { Type = "Ready", Status = "True", Reason = "KubeletReady", Message = "local node is running pods as processes", LastHeartbeatTime = now, LastTransitionTime = now }],
            NodeInfo = new V1NodeSystemInfo
            {
                Architecture = System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(),
                OperatingSystem = "linux",
                KubeletVersion = "flywheel-local",
                ContainerRuntimeVersion = "process://local",
                OsImage = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
                KernelVersion = Environment.OSVersion.Version.ToString(),
                KubeProxyVersion = string.Empty,
                MachineID = string.Empty,
                SystemUUID = string.Empty,
                BootID = string.Empty,
            },
        };
        await client.CoreV1.PatchNodeStatusAsync(Workloads.StatusPatch(status), options.NodeName, cancellationToken: cancellationToken);
    }

    /// <summary>Stops the controllers, then every pod's processes; the API objects stay as they are.</summary>
    public async ValueTask DisposeAsync()
    {
        await _controllers.DisposeAsync();
        await _kubeletLoop.DisposeAsync();
        await _kubelet.DisposeAsync();
        _context.Dispose();
        _client.Dispose();
    }
}
