using Flywheel.Operator.Api.V1Alpha1;
using Flywheel.Operator.Builders;
using static Flywheel.Operator.Tests.Builders.BuilderFixtures;

namespace Flywheel.Operator.Tests.Builders;

/// <summary>A Model that learns from feedback tells its trainer where the inference pods log it.</summary>
public sealed class TrainingJobFeedbackTests
{
    [Fact]
    public void The_trainer_gets_the_inference_log_directory_when_the_data_includes_feedback()
    {
        var run = Run(spec => spec.Data = new DataSpec { Source = "pvc://data/churn.csv", LabelColumn = "churned", IncludeFeedback = true });

        var env = TrainingJobBuilder.BuildJob(run, "1.1", Settings).Spec.Template.Spec.Containers[0].Env.ToDictionary(e => e.Name, e => e.Value);

        Assert.Equal(InferenceDeploymentBuilder.LogDirectory(Settings, run.Metadata.NamespaceProperty, run.Spec.ModelRef.Name), env[Flywheel.Contracts.Training.TrainerEnvironment.FeedbackLogs]);
        Assert.Equal($"{Settings.PodModelStorePath}/ml/churn-model/logs", env[Flywheel.Contracts.Training.TrainerEnvironment.FeedbackLogs]);
    }

    [Fact]
    public void Without_feedback_the_trainer_gets_no_log_directory()
    {
        var run = Run(spec => spec.Data = new DataSpec { Source = "pvc://data/churn.csv", LabelColumn = "churned", IncludeFeedback = false });

        var env = TrainingJobBuilder.BuildJob(run, "1.1", Settings).Spec.Template.Spec.Containers[0].Env.Select(e => e.Name);

        Assert.DoesNotContain(Flywheel.Contracts.Training.TrainerEnvironment.FeedbackLogs, env);
    }

    [Fact]
    public void The_inference_pods_log_where_the_trainer_reads()
    {
        var deployment = Deployment(spec => spec.Feedback = new FeedbackSpec { Enabled = true });

        var built = InferenceDeploymentBuilder.Build(deployment, "1.0", Settings);
        var logDir = built.Spec.Template.Spec.Containers[0].Env.Single(e => e.Name == "FLYWHEEL_LOG_DIR").Value;

        Assert.Equal(InferenceDeploymentBuilder.LogDirectory(Settings, deployment.Metadata.NamespaceProperty, deployment.Spec.ModelRef.Name), logDir);
    }
}
