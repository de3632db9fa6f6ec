using System.Text.Json.Nodes;
using Flywheel.Operator.Api.V1Alpha1;
using Flywheel.Operator.Builders;
using k8s.Models;
using static Flywheel.Operator.Tests.Builders.BuilderFixtures;

namespace Flywheel.Operator.Tests.Builders;

public sealed class TrainingJobBuilderTests
{
    private const string BaseJob = """
        {
          "apiVersion": "batch/v1", "kind": "Job",
          "metadata": {
            "name": "churn-model-initial-g1-train", "namespace": "ml",
            "labels": {"app.kubernetes.io/component": "trainer", "app.kubernetes.io/managed-by": "flywheel-operator",
                       "flywheel.dev/model": "churn-model", "flywheel.dev/training-run": "churn-model-initial-g1"},
            "ownerReferences": OWNER
          },
          "spec": {
            "backoffLimit": 0, "activeDeadlineSeconds": 7200, "ttlSecondsAfterFinished": 86400,
            "template": {
              "metadata": {"labels": {"app.kubernetes.io/component": "trainer", "app.kubernetes.io/managed-by": "flywheel-operator",
                           "flywheel.dev/model": "churn-model", "flywheel.dev/training-run": "churn-model-initial-g1", "flywheel.dev/version": "1.1"}},
              "spec": {
                "restartPolicy": "Never",
                "securityContext": {"runAsNonRoot": true, "runAsUser": 65532, "runAsGroup": 65532, "fsGroup": 65532, "seccompProfile": {"type": "RuntimeDefault"}},
                "containers": [{
                  "name": "trainer", "image": "registry.example/trainer:1", "args": ["train"],
                  "env": [
                    {"name": "FLYWHEEL_TRAINING_SPEC", "value": "/etc/flywheel/spec.json"},
                    {"name": "FLYWHEEL_MODEL_STORE", "value": "/models"},
                    {"name": "FLYWHEEL_TERMINATION_LOG", "value": "/dev/termination-log"},
                    {"name": "FLYWHEEL_DATA_ROOT", "value": "/data"}
                  ],
                  "volumeMounts": [
                    {"name": "spec", "mountPath": "/etc/flywheel", "readOnly": true},
                    {"name": "model-store", "mountPath": "/models"},
                    {"name": "tmp", "mountPath": "/tmp"}
                  ],
                  "terminationMessagePath": "/dev/termination-log",
                  "terminationMessagePolicy": "FallbackToLogsOnError",
                  "securityContext": {"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true, "runAsNonRoot": true,
                                      "capabilities": {"drop": ["ALL"]}, "seccompProfile": {"type": "RuntimeDefault"}}
                }],
                "volumes": [
                  {"name": "spec", "configMap": {"name": "churn-model-initial-g1-spec"}},
                  {"name": "model-store", "persistentVolumeClaim": {"claimName": "store"}},
                  {"name": "tmp", "emptyDir": {}}
                ]
              }
            }
          }
        }
        """;

    public static TheoryData<string, Action<TrainingRunSpec>, Action<JsonObject>> Cases() => new()
    {
        { "defaults", _ => { }, _ => { } },
        {
            "gpus, node selector, tolerations, own image and timeout",
            spec =>
            {
                spec.Training!.Resources = new ComputeResources { Cpu = new ResourceQuantity("4"), Memory = new ResourceQuantity("16Gi"), Gpu = 2 };
                spec.Training.NodeSelector = new() { ["pool"] = "gpu" };
                spec.Training.Tolerations = [new V1Toleration { Key = "nvidia.com/gpu", OperatorProperty = "Exists", Effect = "NoSchedule" }];
                spec.Training.Image = "registry.example/trainer:gpu";
                spec.Training.Timeout = "1h30m";
            },
            job =>
            {
                job["spec"]!["activeDeadlineSeconds"] = 5400;
                var pod = job["spec"]!["template"]!["spec"]!;
                pod["nodeSelector"] = new JsonObject { ["pool"] = "gpu" };
                pod["tolerations"] = JsonNode.Parse("""[{"key":"nvidia.com/gpu","operator":"Exists","effect":"NoSchedule"}]""");
                var container = pod["containers"]![0]!;
                container["image"] = "registry.example/trainer:gpu";
                container["resources"] = JsonNode.Parse("""
                    {"requests": {"cpu": "4", "memory": "16Gi", "nvidia.com/gpu": "2"},
                     "limits": {"cpu": "4", "memory": "16Gi", "nvidia.com/gpu": "2"}}
                    """);
            }
        },
        {
            "data on a claim is mounted where the trainer resolves pvc:// sources",
            spec => spec.Data!.Source = "pvc://datasets/churn/2024.csv",
            job =>
            {
                var pod = job["spec"]!["template"]!["spec"]!;
                pod["volumes"]!.AsArray().Add(JsonNode.Parse("""{"name":"data","persistentVolumeClaim":{"claimName":"datasets","readOnly":true}}"""));
                pod["containers"]![0]!["volumeMounts"]!.AsArray().Add(JsonNode.Parse("""{"name":"data","mountPath":"/data/datasets","readOnly":true}"""));
            }
        },
        {
            "a credentials Secret becomes the trainer's data access variables, each key optional",
            spec =>
            {
                spec.Data!.Source = "s3://datasets/churn.csv";
                spec.Data.CredentialsSecretRef = new ObjectReference { Name = "churn-data" };
            },
            job =>
            {
                var env = job["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray();
                foreach (var (key, variable) in new[] { ("accessKeyId", "AWS_ACCESS_KEY_ID"), ("secretAccessKey", "AWS_SECRET_ACCESS_KEY"), ("sessionToken", "AWS_SESSION_TOKEN"), ("region", "AWS_REGION"), ("token", "FLYWHEEL_DATA_TOKEN") })
                {
                    env.Add(new JsonObject
                    {
                        ["name"] = variable,
                        ["valueFrom"] = new JsonObject { ["secretKeyRef"] = new JsonObject { ["name"] = "churn-data", ["key"] = key, ["optional"] = true } },
                    });
                }
            }
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Job_is_built_whole(string name, Action<TrainingRunSpec> edit, Action<JsonObject> expect)
    {
        Assert.NotEmpty(name);
        var expected = JsonAssert.Parse(BaseJob.Replace("OWNER", RunOwner, StringComparison.Ordinal));
        expect(expected);

        JsonAssert.Equal(expected, TrainingJobBuilder.BuildJob(Run(edit), "1.1", Settings));
    }

    [Fact]
    public void Spec_config_map_holds_the_frozen_spec_the_trainer_reads()
    {
        var run = Run(spec => spec.Data!.Features = [new FeatureSpec { Name = "tenure", Type = FeatureType.Numeric }]);
        var frozen = TrainingSpecBuilder.Build(run, "1.1", new PromotionSpec { Metric = PromotionMetric.F1, PreferSimplerWithin = 0.01 });

        var map = TrainingJobBuilder.BuildSpecConfigMap(run, frozen);

        var expected = JsonAssert.Parse($$"""
            {
              "apiVersion": "v1", "kind": "ConfigMap",
              "metadata": {
                "name": "churn-model-initial-g1-spec", "namespace": "ml",
                "labels": {"app.kubernetes.io/component": "trainer", "app.kubernetes.io/managed-by": "flywheel-operator",
                           "flywheel.dev/model": "churn-model", "flywheel.dev/training-run": "churn-model-initial-g1"},
                "ownerReferences": {{RunOwner}}
              },
              "data": {"spec.json": "SPEC"}
            }
            """);
        expected["data"]!["spec.json"] = map.Data["spec.json"];
        JsonAssert.Equal(expected, map);
        var spec = JsonNode.Parse(map.Data["spec.json"])!;
        var expectedSpec = JsonNode.Parse("""
            {
              "trainingRun": "churn-model-initial-g1",
              "model": {"namespace": "ml", "name": "churn-model", "version": "1.1"},
              "task": "binaryClassification",
              "data": {"source": "file:///data/churn.csv", "format": "csv", "labelColumn": "churned",
                       "features": [{"name": "tenure", "type": "numeric"}], "includeFeedback": false},
              "preprocessing": {"missing": "imputeMean", "categoricalEncoding": "oneHot", "scaling": "minMax", "derived": []},
              "training": {"candidates": [{"algorithm": "fastTree", "hyperparameters": {}}], "search": "grid", "maxTrials": 20,
                           "parallelism": 1, "validation": {"holdoutFraction": 0.2}, "seed": 42,
                           "labelConflicts": {"policy": "majority"}},
              "promotion": {"metric": "macroF1", "preferSimplerWithin": 0.01}
            }
            """);
        Assert.True(JsonNode.DeepEquals(expectedSpec, spec), spec!.ToJsonString());
    }

    [Theory]
    [InlineData("pvc://datasets/a.csv", "datasets")]
    [InlineData("pvc://only-claim", "only-claim")]
    [InlineData("file:///x.csv", null)]
    [InlineData("s3://bucket/key", null)]
    public void Data_claim_is_read_from_pvc_sources(string source, string? claim) =>
        Assert.Equal(claim, TrainingJobBuilder.DataClaim(source));
}
