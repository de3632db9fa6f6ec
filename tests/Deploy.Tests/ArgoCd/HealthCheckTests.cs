namespace Flywheel.Deploy.Tests.ArgoCd;

public sealed class HealthCheckTests
{
    private const string ReadyTrue = """{"type":"Ready","status":"True","reason":"Serving","message":"ok"}""";
    private const string DegradedTrue = """{"type":"Degraded","status":"True","reason":"InvalidSpec","message":"spec.training.candidates: at least one candidate is required"}""";
    private const string ProgressingTrue = """{"type":"Progressing","status":"True","reason":"Training","message":"Training run churn-initial is running"}""";

    private static string Obj(int generation, int? observed, string conditions, string extraStatus = "", string spec = "{}")
    {
        var observedField = observed is null ? string.Empty : $"\"observedGeneration\":{observed},";
        return "{\"apiVersion\":\"flywheel.dev/v1alpha1\",\"metadata\":{\"name\":\"x\",\"generation\":" + generation + "},"
            + "\"spec\":" + spec + ",\"status\":{" + observedField + extraStatus + "\"conditions\":[" + conditions + "]}}";
    }

    public static TheoryData<string, string, string, string> Cases() => new()
    {
        // Model
        { "Model", """{"metadata":{"name":"x","generation":1},"spec":{}}""", "Progressing", "Waiting for the operator to observe the Model" },
        { "Model", Obj(2, 1, ReadyTrue, "\"promotedVersion\":\"1.0\","), "Progressing", "Waiting for the operator to observe generation 2" },
        { "Model", Obj(1, 1, ProgressingTrue), "Progressing", "Training run churn-initial is running" },
        { "Model", Obj(1, 1, ReadyTrue, "\"promotedVersion\":\"1.1\","), "Healthy", "Promoted version 1.1" },
        { "Model", Obj(1, 1, DegradedTrue), "Degraded", "spec.training.candidates: at least one candidate is required" },
        { "Model", Obj(3, 3, ReadyTrue + "," + DegradedTrue, "\"promotedVersion\":\"1.0\","), "Degraded", "spec.training.candidates: at least one candidate is required" },

        // TrainingRun
        { "TrainingRun", """{"metadata":{"name":"r"},"spec":{}}""", "Progressing", "Waiting for the trainer Job to start" },
        { "TrainingRun", """{"metadata":{"name":"r"},"status":{"phase":"Pending"}}""", "Progressing", "Pending" },
        { "TrainingRun", """{"metadata":{"name":"r"},"status":{"phase":"Running","jobName":"churn-initial-train"}}""", "Progressing", "Training in Job churn-initial-train" },
        { "TrainingRun", """{"metadata":{"name":"r"},"status":{"phase":"Succeeded","producedVersion":"1.2"}}""", "Healthy", "Produced version 1.2" },
        { "TrainingRun", """{"metadata":{"name":"r"},"status":{"phase":"Failed","message":"column 'age' row 7: expected a number"}}""", "Degraded", "column 'age' row 7: expected a number" },

        // ModelDeployment
        { "ModelDeployment", """{"metadata":{"name":"d","generation":1},"spec":{}}""", "Progressing", "Waiting for the operator to observe the ModelDeployment" },
        { "ModelDeployment", Obj(4, 3, ReadyTrue, "\"servingVersion\":\"1.0\",\"readyReplicas\":2,"), "Progressing", "Waiting for the operator to observe generation 4" },
        { "ModelDeployment", Obj(1, 1, """{"type":"Progressing","status":"True","message":"waiting for a promoted version"}"""), "Progressing", "waiting for a promoted version" },
        { "ModelDeployment", Obj(1, 1, ReadyTrue, "\"servingVersion\":\"1.1\",\"readyReplicas\":3,"), "Healthy", "Serving version 1.1 on 3 ready replica(s)" },
        { "ModelDeployment", Obj(2, 2, """{"type":"Degraded","status":"True","reason":"RolledBack","message":"version 1.2 broke maxErrorRate; rolled back to 1.1"}"""), "Degraded", "version 1.2 broke maxErrorRate; rolled back to 1.1" },

        // RetrainPolicy
        { "RetrainPolicy", """{"metadata":{"name":"p","generation":1},"spec":{"suspend":true},"status":{"conditions":[{"type":"Degraded","status":"True","message":"bad"}]}}""", "Suspended", "Retraining is suspended (spec.suspend)" },
        { "RetrainPolicy", """{"metadata":{"name":"p","generation":1},"spec":{}}""", "Progressing", "Waiting for the first evaluation" },
        { "RetrainPolicy", Obj(1, 1, """{"type":"Ready","status":"True","message":"4 triggers evaluated, none firing"}""", spec: """{"suspend":false}"""), "Healthy", "4 triggers evaluated, none firing" },
        { "RetrainPolicy", Obj(1, 1, """{"type":"Degraded","status":"True","message":"Prometheus unreachable: connection refused"}"""), "Degraded", "Prometheus unreachable: connection refused" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Maps_each_state_to_argo_health(string kind, string obj, string status, string message)
    {
        var health = await LuaHealthRunner.RunAsync(kind, obj);

        Assert.Equal((status, message), health);
    }

    [Theory]
    [InlineData("Model")]
    [InlineData("TrainingRun")]
    [InlineData("ModelDeployment")]
    [InlineData("RetrainPolicy")]
    public async Task Every_kind_has_a_script_and_handles_an_object_with_no_status(string kind)
    {
        var (status, message) = await LuaHealthRunner.RunAsync(kind, """{"metadata":{"name":"fresh"}}""");

        Assert.Equal("Progressing", status);
        Assert.False(string.IsNullOrWhiteSpace(message));
    }
}
