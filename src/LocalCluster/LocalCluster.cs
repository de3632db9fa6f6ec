using System.Net;
using System.Text.Json.Nodes;
using Flywheel.ApiServer.Controllers;
using Flywheel.ApiServer.Http;
using Flywheel.ApiServer.Resources;
using Flywheel.ApiServer.Semantics;
using Flywheel.ApiServer.Storage;
using k8s;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Flywheel.ApiServer;

/// <summary>
/// An embedded Kubernetes API server on loopback (plain HTTP) that kubectl, helm and KubernetesClient talk to.
/// <code>
/// await using var cluster = await LocalCluster.StartAsync();
/// var client = new Kubernetes(cluster.ClientConfiguration);
/// // kubectl --kubeconfig cluster.KubeconfigPath get pods
/// cluster.Faults.FailNext("update", "leases", count: 2, statusCode: 500);
/// </code>
/// Serves discovery, OpenAPI v3, the built-in kinds (stored without schemas) and every CRD's resources
/// (validated, defaulted and pruned by its schema), with resourceVersions, watches, status and scale
/// subresources, finalizers, garbage collection, merge/JSON/strategic-merge patches and server-side apply.
/// The class lives in namespace <c>Flywheel.ApiServer</c> (not <c>Flywheel.LocalCluster</c>, which would hide
/// this type's name from callers).
/// <para>Known differences from a real API server: built-in kinds have no schemas (no validation, defaulting or
/// pruning; unknown fields are kept); protobuf request bodies are decoded only for Secret, ConfigMap, Namespace,
/// ServiceAccount, RBAC roles and bindings, and DeleteOptions (what kubectl's and helm's typed clients send), other kinds must be JSON;
/// core/v1 and events.k8s.io/v1 Events are stored apart; CEL transition rules (<c>oldSelf</c>) are not
/// evaluated; CRD versions share storage without conversion webhooks; OpenAPI is served as v3 only; there is
/// no authentication or authorization; list paging does not pin a snapshot.</para>
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    private static readonly string[] InitialNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];

    private readonly WebApplication _app;
    private readonly GarbageCollector _collector;
    private readonly CancellationTokenSource _stopping;
    private readonly string? _tempDirectory;

    private LocalCluster(WebApplication app, Uri baseUri, string kubeconfigPath, string? tempDirectory, ClusterFaults faults, GarbageCollector collector, CancellationTokenSource stopping, ResourceService service)
    {
        _app = app;
        BaseUri = baseUri;
        KubeconfigPath = kubeconfigPath;
        _tempDirectory = tempDirectory;
        Faults = faults;
        _collector = collector;
        _stopping = stopping;
        Service = service;
    }

    /// <summary>The server's address, for example <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseUri { get; }

    /// <summary>A kubeconfig file pointing at this cluster (context <c>flywheel-local</c>, namespace default).</summary>
    public string KubeconfigPath { get; }

    /// <summary>A fresh client configuration for this cluster (each call returns a new, independent object).</summary>
    public KubernetesClientConfiguration ClientConfiguration => new() { Host = BaseUri.GetLeftPart(UriPartial.Authority), Namespace = "default" };

    /// <summary>Who called which verb on which resource, for checking a client against its RBAC rules.</summary>
    public ClusterAudit Audit { get; private init; } = new();

    /// <summary>Fault injection: failing requests and dropping watches.</summary>
    public ClusterFaults Faults { get; }

    /// <summary>How many objects the cluster holds (all kinds).</summary>
    public int ObjectCount => Service.Store.Count;

    internal ResourceService Service { get; }

    /// <summary>Starts a cluster; dispose it to stop the server and delete its temporary kubeconfig.</summary>
    public static async Task<LocalCluster> StartAsync(LocalClusterOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new LocalClusterOptions();
        if (options.Port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Port, "Port must be 0 (pick a free port) or 1-65535");
        }

        var store = new ObjectStore(options.WatchHistory);
        var registry = new ResourceRegistry();
        var service = new ResourceService(store, registry, options.TimeProvider);
        DataDirectory? data = null;
        if (options.DataDirectory is { } dataDir)
        {
            data = new DataDirectory(dataDir);
            foreach (var (key, obj) in data.Load(store))
            {
                if (key == "apiextensions.k8s.io/customresourcedefinitions")
                {
                    KindRules.Register(registry, obj);
                }
            }

            store.PersistWith(data.Write);
        }

        var namespaces = registry.Find(string.Empty, "v1", "namespaces")!;
        foreach (var name in InitialNamespaces)
        {
            if (store.Get(namespaces.StorageKey, string.Empty, name) is null)
            {
                service.Create(namespaces, string.Empty, new JsonObject { ["metadata"] = new JsonObject { ["name"] = name } }, WriteOptions.Default);
            }
        }

        var stopping = new CancellationTokenSource();
        var faults = new ClusterFaults(store);
        var audit = new ClusterAudit();
        var handler = new ApiHandler(service, new WatchStreamer(store, options.TimeProvider, options.BookmarkInterval), new OpenApiDocuments(registry), faults, audit, stopping.Token);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, options.Port);
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Limits.MinRequestBodyDataRate = null;
            kestrel.Limits.MinResponseDataRate = null;
            kestrel.AddServerHeader = false;
        });
        var app = builder.Build();
        app.Run(handler.HandleAsync);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var baseUri = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/");
        string? temp = null;
        var kubeconfig = options.KubeconfigPath;
        if (kubeconfig is null)
        {
            temp = Directory.CreateTempSubdirectory("flywheel-localcluster-").FullName;
            kubeconfig = Path.Combine(temp, "kubeconfig");
        }

        Kubeconfig.Write(kubeconfig, baseUri);
        var collector = new GarbageCollector(service);
        collector.Start();
        return new LocalCluster(app, baseUri, kubeconfig, temp, faults, collector, stopping, service) { Audit = audit };
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _collector.DisposeAsync();
        _stopping.Dispose();
        if (_tempDirectory is not null && Directory.Exists(_tempDirectory))
        {
            Directory.Delete(_tempDirectory, recursive: true);
        }
    }
}
