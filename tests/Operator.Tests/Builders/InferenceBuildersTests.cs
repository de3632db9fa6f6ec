using System.Text.Json.Nodes;
using Flywheel.Operator.Api.V1Alpha1;
using Flywheel.Operator.Builders;
using k8s.Models;
using static Flywheel.Operator.Tests.Builders.BuilderFixtures;

namespace Flywheel.Operator.Tests.Builders;

public sealed class InferenceBuildersTests
{
    private const string Labels = """
        {"flywheel.dev/deployment": "churn", "app.kubernetes.io/component": "inference",
         "app.kubernetes.io/managed-by": "flywheel-operator", "flywheel.dev/model": "churn-model"}
        """;

    private const string BaseDeployment = """
        {
          "apiVersion": "apps/v1", "kind": "Deployment",
          "metadata": {"name": "churn-inference", "namespace": "ml", "labels": LABELS, "ownerReferences": OWNER},
          "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"flywheel.dev/deployment": "churn"}},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}},
            "template": {
              "metadata": {
                "labels": {"flywheel.dev/deployment": "churn", "app.kubernetes.io/component": "inference",
                           "app.kubernetes.io/managed-by": "flywheel-operator", "flywheel.dev/model": "churn-model", "flywheel.dev/version": "1.2"},
                "annotations": {"prometheus.io/scrape": "true", "prometheus.io/port": "8080", "prometheus.io/path": "/metrics"}
              },
              "spec": {
                "securityContext": {"runAsNonRoot": true, "runAsUser": 65532, "runAsGroup": 65532, "fsGroup": 65532, "seccompProfile": {"type": "RuntimeDefault"}},
                "containers": [{
                  "name": "inference", "image": "registry.example/inference:1", "args": ["serve"],
                  "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                  "env": [
                    {"name": "FLYWHEEL_MODEL_DIR", "value": "/models/ml/churn-model"},
                    {"name": "FLYWHEEL_MODEL_NAME", "value": "churn-model"},
                    {"name": "FLYWHEEL_NAMESPACE", "value": "ml"},
                    {"name": "FLYWHEEL_MODEL_VERSION", "value": "1.2"},
                    {"name": "FLYWHEEL_PORT", "value": "8080"},
                    {"name": "FLYWHEEL_EXECUTION_PROVIDER", "value": "auto"},
                    {"name": "FLYWHEEL_MAX_BATCH_SIZE", "value": "32"},
                    {"name": "FLYWHEEL_MAX_DELAY_MS", "value": "5"},
                    {"name": "FLYWHEEL_MONITORING", "value": "on"},
                    {"name": "FLYWHEEL_DRIFT_METHOD", "value": "psi"},
                    {"name": "FLYWHEEL_REPLICA", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}
                  ],
                  "readinessProbe": {"httpGet": {"path": "/v2/health/ready", "port": "http"}, "periodSeconds": 5, "failureThreshold": 3},
                  "livenessProbe": {"httpGet": {"path": "/v2/health/live", "port": "http"}, "periodSeconds": 10, "failureThreshold": 3},
                  "volumeMounts": [{"name": "model-store", "mountPath": "/models", "readOnly": true}, {"name": "tmp", "mountPath": "/tmp"}],
                  "securityContext": {"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true, "runAsNonRoot": true,
                                      "capabilities": {"drop": ["ALL"]}, "seccompProfile": {"type": "RuntimeDefault"}}
                }],
                "volumes": [
                  {"name": "model-store", "persistentVolumeClaim": {"claimName": "store", "readOnly": true}},
                  {"name": "tmp", "emptyDir": {}}
                ]
              }
            }
          }
        }
        """;

    private static JsonObject Expected(string template) => JsonAssert.Parse(
        template.Replace("LABELS", Labels, StringComparison.Ordinal).Replace("OWNER", DeploymentOwner, StringComparison.Ordinal));

    private static JsonNode Container(JsonObject deployment) => deployment["spec"]!["template"]!["spec"]!["containers"]![0]!;

    private static void SetEnv(JsonObject deployment, string name, string value)
    {
        foreach (var entry in Container(deployment)["env"]!.AsArray())
        {
            if ((string?)entry!["name"] == name)
            {
                entry["value"] = value;
                return;
            }
        }

        Container(deployment)["env"]!.AsArray().Add(new JsonObject { ["name"] = name, ["value"] = value });
    }

    public static TheoryData<string, Action<ModelDeploymentSpec>, Action<JsonObject>> DeploymentCases() => new()
    {
        { "defaults: one replica, CPU, auto provider", _ => { }, _ => { } },
        { "fixed replicas without an autoscaler", spec => spec.Replicas = 3, d => d["spec"]!["replicas"] = 3 },
        {
            "an autoscaler owns the count: no spec.replicas",
            spec => spec.Autoscaling = new AutoscalingSpec { Engine = AutoscalingEngine.Hpa },
            d => d["spec"]!.AsObject().Remove("replicas")
        },
        {
            "autoscaling engine none keeps spec.replicas",
            spec => { spec.Replicas = 2; spec.Autoscaling = new AutoscalingSpec { Engine = AutoscalingEngine.None }; },
            d => d["spec"]!["replicas"] = 2
        },
        {
            "GPUs, cuda provider, batching, rollout and drift method",
            spec =>
            {
                spec.Resources = new ComputeResources { Cpu = new ResourceQuantity("2"), Memory = new ResourceQuantity("4Gi"), Gpu = 1 };
                spec.ExecutionProvider = ExecutionProvider.Cuda;
                spec.Batching = new BatchingSpec { MaxBatchSize = 128, MaxDelayMilliseconds = 10 };
                spec.Rollout = new RolloutSpec { MaxSurge = 1, MaxUnavailable = "10%" };
                spec.Monitoring = new MonitoringSpec { DriftMethod = DriftMethod.JensenShannon };
            },
            d =>
            {
                d["spec"]!["strategy"]!["rollingUpdate"] = JsonNode.Parse("""{"maxSurge": 1, "maxUnavailable": "10%"}""");
                Container(d)["resources"] = JsonNode.Parse("""
                    {"requests": {"cpu": "2", "memory": "4Gi", "nvidia.com/gpu": "1"}, "limits": {"cpu": "2", "memory": "4Gi", "nvidia.com/gpu": "1"}}
                    """);
                SetEnv(d, "FLYWHEEL_EXECUTION_PROVIDER", "cuda");
                SetEnv(d, "FLYWHEEL_MAX_BATCH_SIZE", "128");
                SetEnv(d, "FLYWHEEL_MAX_DELAY_MS", "10");
                SetEnv(d, "FLYWHEEL_DRIFT_METHOD", "jensenShannon");
            }
        },
        {
            "feedback logs predictions into a writable model store",
            spec => spec.Feedback = new FeedbackSpec { Enabled = true },
            d =>
            {
                SetEnv(d, "FLYWHEEL_LOG_DIR", "/models/ml/churn-model/logs");
                Container(d)["volumeMounts"]![0]!["readOnly"] = false;
                d["spec"]!["template"]!["spec"]!["volumes"]![0]!["persistentVolumeClaim"]!["readOnly"] = false;
            }
        },
    };

    [Theory]
    [MemberData(nameof(DeploymentCases))]
    public void Deployment_is_built_whole(string name, Action<ModelDeploymentSpec> edit, Action<JsonObject> expect)
    {
        Assert.NotEmpty(name);
        var expected = Expected(BaseDeployment);
        expect(expected);

        JsonAssert.Equal(expected, InferenceDeploymentBuilder.Build(Deployment(edit), "1.2", Settings));
    }

    [Fact]
    public void Service_targets_the_pods_http_port()
    {
        var expected = Expected("""
            {
              "apiVersion": "v1", "kind": "Service",
              "metadata": {"name": "churn-inference", "namespace": "ml", "labels": LABELS, "ownerReferences": OWNER},
              "spec": {"type": "ClusterIP", "selector": {"flywheel.dev/deployment": "churn"},
                       "ports": [{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}]}
            }
            """);

        JsonAssert.Equal(expected, InferenceServiceBuilder.Build(Deployment()));
        Assert.Equal("http://churn-inference.ml.svc/v2/models/churn-model", InferenceServiceBuilder.Url(Deployment()));
    }

    public static TheoryData<string, AutoscalingSpec, string> HpaCases() => new()
    {
        { "cpu utilization", new AutoscalingSpec(), """{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}}}""" },
        {
            "requests per second per pod",
            new AutoscalingSpec { Metric = ScalingMetric.RequestsPerSecond, Target = 150 },
            """{"type": "Pods", "pods": {"metric": {"name": "flywheel_inference_requests_per_second"}, "target": {"type": "AverageValue", "averageValue": "150"}}}"""
        },
        {
            "in-flight requests per pod",
            new AutoscalingSpec { Metric = ScalingMetric.Inflight, Target = 4.5 },
            """{"type": "Pods", "pods": {"metric": {"name": "flywheel_inference_inflight_requests"}, "target": {"type": "AverageValue", "averageValue": "4500m"}}}"""
        },
    };

    [Theory]
    [MemberData(nameof(HpaCases))]
    public void Hpa_is_built_whole(string name, AutoscalingSpec autoscaling, string metric)
    {
        Assert.NotEmpty(name);
        var expected = Expected("""
            {
              "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
              "metadata": {"name": "churn-inference", "namespace": "ml", "labels": LABELS, "ownerReferences": OWNER},
              "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "churn-inference"},
                       "minReplicas": 2, "maxReplicas": 20, "metrics": [METRIC]}
            }
            """.Replace("METRIC", metric, StringComparison.Ordinal));

        JsonAssert.Equal(expected, AutoscalerBuilder.BuildHpa(Deployment(s => { s.Autoscaling = autoscaling; s.MinReplicas = 2; s.MaxReplicas = 20; })));
    }

    public static TheoryData<string, AutoscalingSpec, string> ScaledObjectCases() => new()
    {
        { "cpu", new AutoscalingSpec { Engine = AutoscalingEngine.Keda }, """{"type": "cpu", "metricType": "Utilization", "metadata": {"value": "70"}}""" },
        {
            "request rate from Prometheus",
            new AutoscalingSpec { Engine = AutoscalingEngine.Keda, Metric = ScalingMetric.RequestsPerSecond, Target = 100 },
            """{"type": "prometheus", "metadata": {"serverAddress": "http://prom:9090", "threshold": "100", "query": "sum(rate(flywheel_inference_requests_total{namespace=\"ml\",model=\"churn-model\"}[1m]))"}}"""
        },
        {
            "in-flight requests from Prometheus",
            new AutoscalingSpec { Engine = AutoscalingEngine.Keda, Metric = ScalingMetric.Inflight, Target = 8 },
            """{"type": "prometheus", "metadata": {"serverAddress": "http://prom:9090", "threshold": "8", "query": "sum(flywheel_inference_inflight_requests{namespace=\"ml\",model=\"churn-model\"})"}}"""
        },
    };

    [Theory]
    [MemberData(nameof(ScaledObjectCases))]
    public void Scaled_object_is_built_whole(string name, AutoscalingSpec autoscaling, string trigger)
    {
        Assert.NotEmpty(name);
        var expected = Expected("""
            {
              "apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject",
              "metadata": {"name": "churn-inference", "namespace": "ml", "labels": LABELS, "ownerReferences": OWNER},
              "spec": {"scaleTargetRef": {"name": "churn-inference"}, "minReplicaCount": 0, "maxReplicaCount": 5, "triggers": [TRIGGER]}
            }
            """.Replace("TRIGGER", trigger, StringComparison.Ordinal));

        JsonAssert.Equal(expected, AutoscalerBuilder.BuildScaledObject(Deployment(s => { s.Autoscaling = autoscaling; s.MinReplicas = 0; s.MaxReplicas = 5; }), "http://prom:9090"));
    }

    [Fact]
    public void Service_monitor_scrapes_the_http_port()
    {
        var expected = Expected("""
            {
              "apiVersion": "monitoring.coreos.com/v1", "kind": "ServiceMonitor",
              "metadata": {"name": "churn-inference", "namespace": "ml", "labels": LABELS, "ownerReferences": OWNER},
              "spec": {"selector": {"matchLabels": {"flywheel.dev/deployment": "churn"}},
                       "endpoints": [{"port": "http", "path": "/metrics", "interval": "15s"}]}
            }
            """);

        JsonAssert.Equal(expected, ServiceMonitorBuilder.Build(Deployment()));
    }
}
