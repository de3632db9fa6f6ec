using Flywheel.Operator.Api.V1Alpha1;
using Flywheel.Operator.Builders;
using k8s.Models;

namespace Flywheel.Operator.Tests.Builders;

/// <summary>Owners the builder tests build children for.</summary>
internal static class BuilderFixtures
{
    public static OperatorSettings Settings { get; } = new()
    {
        TrainerImage = "registry.example/trainer:1",
        InferenceImage = "registry.example/inference:1",
        ModelStoreClaim = "store",
    };

    public static ModelDeployment Deployment(Action<ModelDeploymentSpec>? edit = null)
    {
        var deployment = new ModelDeployment
        {
            Metadata = new V1ObjectMeta { Name = "churn", NamespaceProperty = "ml", Uid = "uid-md" },
            Spec = new ModelDeploymentSpec { ModelRef = new ObjectReference { Name = "churn-model" } },
        };
        edit?.Invoke(deployment.Spec);
        return deployment;
    }

    public static TrainingRun Run(Action<TrainingRunSpec>? edit = null)
    {
        var run = new TrainingRun
        {
            Metadata = new V1ObjectMeta { Name = "churn-model-initial-g1", NamespaceProperty = "ml", Uid = "uid-run" },
            Spec = new TrainingRunSpec
            {
                ModelRef = new ObjectReference { Name = "churn-model" },
                Reason = RunReason.Initial,
                Task = ModelTask.BinaryClassification,
                Data = new DataSpec { Source = "file:///data/churn.csv", LabelColumn = "churned" },
                Training = new Flywheel.Operator.Api.V1Alpha1.TrainingSpec { Candidates = [new CandidateSpec { Algorithm = Algorithm.FastTree }] },
            },
        };
        edit?.Invoke(run.Spec);
        return run;
    }

    public const string DeploymentOwner = """
        [{"apiVersion":"flywheel.dev/v1alpha1","kind":"ModelDeployment","name":"churn","uid":"uid-md","controller":true,"blockOwnerDeletion":true}]
        """;

    public const string RunOwner = """
        [{"apiVersion":"flywheel.dev/v1alpha1","kind":"TrainingRun","name":"churn-model-initial-g1","uid":"uid-run","controller":true,"blockOwnerDeletion":true}]
        """;
}
