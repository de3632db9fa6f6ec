using System.Net;
using Flywheel.ApiServer;
using Flywheel.Operator.Api.V1Alpha1;
using Flywheel.Operator.Builders;
using Flywheel.Operator.Controllers;
using Flywheel.Operator.Controllers.ModelDeployments;
using Flywheel.Operator.Controllers.Models;
using Flywheel.Operator.Controllers.RetrainPolicies;
using Flywheel.Operator.Controllers.TrainingRuns;
using Flywheel.Operator.Crds;
using Flywheel.Operator.Runtime.Api;
using Flywheel.Operator.Runtime.Events;
using Flywheel.Operator.Runtime.Informers;
using Flywheel.Operator.Runtime.Resilience;
using Flywheel.Operator.Runtime.Status;
using Flywheel.Operator.Store;
using Flywheel.Operator.Triggers;
using Flywheel.Testing;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Flywheel.Operator.Tests.Controllers.Support;

/// <summary>
/// A LocalCluster with the Flywheel CRDs, and the four reconcilers wired to it as the operator wires them, on a fake
/// clock. Tests call the reconcilers directly and play the kubelet and job controller by writing status.
/// </summary>
internal sealed class OperatorCluster : IAsyncDisposable
{
    public const string Ns = "default";

    private readonly HttpClientFactory _http = new();

    private OperatorCluster(LocalCluster cluster, FakeTimeProvider clock, string storeRoot, string? prometheusUrl)
    {
        Cluster = cluster;
        Clock = clock;
        StoreRoot = storeRoot;
        Writes = new WriteCounter();
        Client = new Kubernetes(cluster.ClientConfiguration, Writes);
        Settings = new OperatorSettings
        {
            TrainerImage = "trainer:test",
            InferenceImage = "inference:test",
            ModelStoreClaim = "store",
            ModelStoreRoot = storeRoot,
            PrometheusUrl = prometheusUrl,
        };
        var api = new KubeApi(new KubernetesResourceApis(Client), KubernetesResilience.CreatePipeline(new ResilienceOptions { BaseDelay = TimeSpan.FromMilliseconds(5) }, TimeProvider.System));
        var reader = new ClusterReader(Client, api, clock);
        var status = new StatusWriter(api);
        var events = new EventRecorder(Client, api, clock, NullLogger<EventRecorder>.Instance);
        var prometheus = new PrometheusClients(_http, TimeProvider.System);
        var summaries = new MonitoringSummaryClient(_http);
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var metrics = new FlywheelMetrics(Registry);
        Models = new ModelReconciler(api, reader, status, events, new ModelStore(Settings), clock, metrics);
        Runs = new TrainingRunReconciler(api, reader, status, events, clock, Settings, metrics, new ModelStore(Settings));
        Deployments = new ModelDeploymentReconciler(api, reader, new ChildApplier(api), status, events, new RolloutMetricsSource(prometheus, summaries, reader, Settings), clock, Settings, metrics);
        Policies = new RetrainPolicyReconciler(api, reader, status, events, new TriggerReadingsSource(prometheus, summaries, reader, Settings), new DataChangeProbe(_http, Settings), clock, metrics);
    }

    public LocalCluster Cluster { get; }

    /// <summary>Where the reconcilers' counters go.</summary>
    public Prometheus.CollectorRegistry Registry { get; }

    /// <summary>The value of a counter of the metric contract with these label values.</summary>
    public double Counter(Flywheel.Contracts.Metrics.MetricDescriptor metric, params string[] labels) =>
        Prometheus.Metrics.WithCustomRegistry(Registry).CreateCounter(metric.Name, metric.Help, new Prometheus.CounterConfiguration { LabelNames = metric.LabelNames }).WithLabels(labels).Value;

    public FakeTimeProvider Clock { get; }

    public string StoreRoot { get; }

    public WriteCounter Writes { get; }

    public Kubernetes Client { get; }

    public OperatorSettings Settings { get; }

    public ModelReconciler Models { get; }

    public TrainingRunReconciler Runs { get; }

    public ModelDeploymentReconciler Deployments { get; }

    public RetrainPolicyReconciler Policies { get; }

    public static async Task<OperatorCluster> StartAsync(string? prometheusUrl = null)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero));
        var cluster = await LocalCluster.StartAsync(new LocalClusterOptions { TimeProvider = clock });
        var root = Directory.CreateTempSubdirectory("flywheel-store-").FullName;
        var result = new OperatorCluster(cluster, clock, root, prometheusUrl);
        await InstallCrdsAsync(result.Client);
        result.Writes.Reset();
        return result;
    }

    public static async Task InstallCrdsAsync(IKubernetes client)
    {
        var generator = CrdGenerator.CreateDefault();
        foreach (var kind in FlywheelApi.Kinds)
        {
            await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(generator.Generate(kind));
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        _http.Dispose();
        await Cluster.DisposeAsync();
        Directory.Delete(StoreRoot, recursive: true);
    }

    public Task<T> CreateAsync<T>(T entity) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var type = ResourceType.Of<T>();
        entity.Metadata.NamespaceProperty ??= Ns;
        return Client.CustomObjects.CreateNamespacedCustomObjectAsync<T>(entity, type.Group, type.Version, Ns, type.Plural);
    }

    public Task<T> GetAsync<T>(string name) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var type = ResourceType.Of<T>();
        return Client.CustomObjects.GetNamespacedCustomObjectAsync<T>(type.Group, type.Version, Ns, type.Plural, name);
    }

    /// <summary>For <c>Poll</c>'s retryOn: the 404 of an object the operator has not written yet.</summary>
    public static bool NotWrittenYet(Exception error) => error is HttpOperationException { Response.StatusCode: HttpStatusCode.NotFound };

    public async Task<IReadOnlyList<TrainingRun>> RunsAsync()
    {
        var list = await Client.CustomObjects.ListNamespacedCustomObjectAsync<CustomResourceList<TrainingRun>>(FlywheelApi.Group, FlywheelApi.Version, Ns, "trainingruns");
        return [.. list.Items];
    }

    public async Task<IReadOnlyList<Corev1Event>> EventsAsync(string involved) =>
        [.. (await Client.CoreV1.ListNamespacedEventAsync(Ns)).Items.Where(e => e.InvolvedObject.Name == involved)];

    /// <summary>A Model that trains a binary classifier with one candidate.</summary>
    public static Model NewModel(string name = "churn", Action<ModelSpec>? edit = null)
    {
        var model = new Model
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new ModelSpec
            {
                Task = ModelTask.BinaryClassification,
                Data = new DataSpec { Source = "file:///data/churn.csv", LabelColumn = "churned" },
                Training = new Flywheel.Operator.Api.V1Alpha1.TrainingSpec { Candidates = [new CandidateSpec { Algorithm = Algorithm.FastTree }] },
            },
            Status = null!,
        };
        edit?.Invoke(model.Spec);
        return model;
    }

    private sealed class HttpClientFactory : IHttpClientFactory, IDisposable
    {
        private readonly HttpClient _client = new() { Timeout = TimeSpan.FromSeconds(10) };

        public HttpClient CreateClient(string name) => _client;

        public void Dispose() => _client.Dispose();
    }
}
