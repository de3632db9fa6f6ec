using System.Text.Json.Nodes;
using Flywheel.Operator.Api.V1Alpha1;
using Flywheel.Operator.Crds.Validation;
using Flywheel.Testing;
using k8s;

namespace Flywheel.Operator.Tests.Api.V1Alpha1;

public sealed class SerializationTests
{
    private static JsonObject Sample(string folder, string file) =>
        ManifestReader.Read(File.ReadAllText(Path.Combine(TestTools.RepositoryRoot, "deploy", "samples", folder, file)))[0];

    [Theory]
    [InlineData("churn", "model.yaml", typeof(Model))]
    [InlineData("churn", "deployment.yaml", typeof(ModelDeployment))]
    [InlineData("churn", "retrain-policy.yaml", typeof(RetrainPolicy))]
    [InlineData("churn", "training-run-manual.yaml", typeof(TrainingRun))]
    [InlineData("movie-genres", "model.yaml", typeof(Model))]
    [InlineData("movie-genres", "deployment.yaml", typeof(ModelDeployment))]
    [InlineData("movie-genres", "retrain-policy.yaml", typeof(RetrainPolicy))]
    public void Samples_round_trip_through_the_types(string folder, string file, Type kind)
    {
        var original = Sample(folder, file);

        var roundTripped = JsonNode.Parse(Serialize(original, kind))!.AsObject();

        Assert.True(JsonNode.DeepEquals(Normalize(original["spec"]), Normalize(roundTripped["spec"])), $"{file}: spec changed in a round trip:\n{original["spec"]}\n{roundTripped["spec"]}");
        Assert.Equal(original["metadata"]!["name"]!.GetValue<string>(), roundTripped["metadata"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public void Enums_and_quantities_read_as_typed_values()
    {
        var model = KubernetesJson.Deserialize<Model>(Sample("movie-genres", "model.yaml").ToJsonString());

        Assert.Equal(ModelTask.MulticlassClassification, model.Spec.Task);
        Assert.Equal(DataFormat.Jsonl, model.Spec.Data.Format);
        Assert.Equal(5, model.Spec.Training.Validation!.Folds);
        Assert.Equal(1, model.Spec.Training.Resources!.Gpu);
        Assert.Equal("8Gi", model.Spec.Training.Resources.Memory!.ToString());
        Assert.Equal("Exists", model.Spec.Training.Tolerations![0].OperatorProperty);
        Assert.Equal(PromotionMetric.MacroAccuracy, model.Spec.Promotion!.Metric);
        var space = model.Spec.Training.Candidates[1].Hyperparameters!["l2Regularization"];
        Assert.Equal((0.0001, 0.1, RangeScale.Log), (space.Min, space.Max, space.Scale));
    }

    [Fact]
    public void New_objects_carry_api_version_and_kind()
    {
        var json = JsonNode.Parse(KubernetesJson.Serialize(new ModelDeployment { Spec = { ModelRef = { Name = "churn" } } }))!;

        Assert.Equal("flywheel.dev/v1alpha1", json["apiVersion"]!.GetValue<string>());
        Assert.Equal("ModelDeployment", json["kind"]!.GetValue<string>());
        Assert.Equal("churn", json["spec"]!["modelRef"]!["name"]!.GetValue<string>());
        Assert.Null(json["spec"]!["version"]);
    }

    private static string Serialize(JsonObject original, Type kind)
    {
        var method = typeof(KubernetesJson).GetMethods().Single(m => m.Name == nameof(KubernetesJson.Deserialize) && m.GetParameters()[0].ParameterType == typeof(string));
        var typed = method.MakeGenericMethod(kind).Invoke(null, [original.ToJsonString(), null])!;
        return KubernetesJson.Serialize(typed);
    }

    // Quantities and numbers may change representation (2 vs "2", 1.0 vs 1) without changing meaning.
    private static JsonNode? Normalize(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.Where(p => p.Value is not null).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Normalize(p.Value)))),
        JsonArray array => new JsonArray(array.Select(Normalize).ToArray()),
        JsonValue value when value.GetValueKind() == System.Text.Json.JsonValueKind.Number => JsonValue.Create(value.ToJsonString().Contains('.', StringComparison.Ordinal) ? value.GetValue<double>().ToString("R", System.Globalization.CultureInfo.InvariantCulture) : value.ToJsonString()),
        JsonValue value => JsonValue.Create(value.ToString()),
        _ => null,
    };
}
