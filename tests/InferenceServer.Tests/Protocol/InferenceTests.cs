using System.Text.Json.Nodes;
using Flywheel.InferenceServer.Tests.Support;

namespace Flywheel.InferenceServer.Tests.Protocol;

[Collection(ServerCollection.Name)]
public sealed class InferenceTests(ModelStore store)
{
    private static readonly (double, double, string?) Fan = (75, 95_000, "drama");
    private static readonly (double, double, string?) Critic = (20, 22_000, "horror");

    [Fact]
    public async Task Health_server_and_model_metadata_follow_the_protocol()
    {
        await using var server = await TestServer.StartAsync(store.BinaryDirectory);

        Assert.Equal(200, (await server.GetAsync("/v2/health/live")).Status);
        var ready = await server.GetAsync("/v2/health/ready");
        Assert.Equal(200, ready.Status);
        Assert.True(ready.Body!["ready"]!.GetValue<bool>());
        var v2 = await server.GetAsync("/v2");
        Assert.Equal("flywheel-inference", v2.Body!["name"]!.GetValue<string>());

        var metadata = await server.GetAsync("/v2/models/movies");
        Assert.Equal(200, metadata.Status);
        Assert.Equal("1.0", metadata.Body!["versions"]![0]!.GetValue<string>());
        Assert.Equal(["age", "income", "genre"], metadata.Body["inputs"]!.AsArray().Select(i => i!["name"]!.GetValue<string>()));
        Assert.Equal("BYTES", metadata.Body["inputs"]![2]!["datatype"]!.GetValue<string>());
        Assert.Equal("cpu", metadata.Body["parameters"]!["execution_provider"]!.GetValue<string>());
        Assert.Equal(200, (await server.GetAsync("/v2/models/movies/versions/1.0")).Status);
        Assert.Equal(200, (await server.GetAsync("/v2/models/movies/ready")).Status);
        Assert.Equal(404, (await server.GetAsync("/v2/models/movies/versions/9.9")).Status);
        Assert.Equal(404, (await server.GetAsync("/v2/models/other")).Status);
    }

    [Fact]
    public async Task Responses_are_sent_with_their_length_rather_than_chunked()
    {
        await using var server = await TestServer.StartAsync(store.BinaryDirectory);

        using var response = await server.PostJsonAsync("/v2/models/movies/infer", TestServer.V2Body(Fan, Critic));
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(200, (int)response.StatusCode);
        Assert.NotEqual(true, response.Headers.TransferEncodingChunked);
        Assert.Equal(bytes.Length, response.Content.Headers.ContentLength);
        var ids = JsonNode.Parse(bytes)!["outputs"]!.AsArray().Single(o => o!["name"]!.GetValue<string>() == "prediction_id")!["data"]!.AsArray().Select(v => v!.GetValue<string>()).ToArray();
        Assert.Equal(2, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{16}-[0-9a-f]+$", id));
    }

    [Fact]
    public async Task V2_infer_returns_labels_probabilities_and_ids_and_echoes_the_request_id()
    {
        await using var server = await TestServer.StartAsync(store.BinaryDirectory);

        var (status, body) = await server.PostAsync("/v2/models/movies/infer", TestServer.V2Body(Fan, Critic));

        Assert.Equal(200, status);
        Assert.Equal("req-1", body!["id"]!.GetValue<string>());
        Assert.Equal("movies", body["model_name"]!.GetValue<string>());
        Assert.Equal("1.0", body["model_version"]!.GetValue<string>());
        var outputs = body["outputs"]!.AsArray().ToDictionary(o => o!["name"]!.GetValue<string>(), o => o!);
        Assert.Equal(["true", "false"], outputs["label"]["data"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal([2, 2], outputs["probabilities"]["shape"]!.AsArray().Select(v => v!.GetValue<int>()));
        var p = outputs["probabilities"]["data"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
        Assert.Equal(1.0, p[0] + p[1], 3);
        Assert.True(p[1] > 0.5, $"P(true) for the fan was {p[1]}");
        Assert.True(p[3] < 0.5, $"P(true) for the critic was {p[3]}");
        var ids = outputs["prediction_id"]["data"]!.AsArray().Select(v => v!.GetValue<string>()).ToArray();
        Assert.Equal(2, ids.Distinct().Count());
    }

    [Fact]
    public async Task Versioned_infer_nested_data_and_requested_outputs_are_honoured()
    {
        await using var server = await TestServer.StartAsync(store.BinaryDirectory);
        const string body = """
            {"inputs":[
              {"name":"age","shape":[1],"datatype":"INT64","data":[[75]]},
              {"name":"income","shape":[1,1],"datatype":"FP64","data":[[95000.0]]},
              {"name":"genre","shape":[1],"datatype":"BYTES","data":["drama"]}],
             "outputs":[{"name":"label"}]}
            """;

        var (status, response) = await server.PostAsync("/v2/models/movies/versions/1.0/infer", body);

        Assert.Equal(200, status);
        var outputs = response!["outputs"]!.AsArray();
        Assert.Single(outputs);
        Assert.Equal("true", outputs[0]!["data"]![0]!.GetValue<string>());
        Assert.Null(response["id"]);
    }

    [Fact]
    public async Task Records_form_returns_one_prediction_per_instance_with_its_id()
    {
        await using var server = await TestServer.StartAsync(store.BinaryDirectory);

        var (status, body) = await server.PostAsync("/v2/models/movies/predict", TestServer.RecordsBody(Fan, Critic, (40, 50_000, null)));

        Assert.Equal(200, status);
        var predictions = body!["predictions"]!.AsArray();
        Assert.Equal(3, predictions.Count);
        Assert.Equal("true", predictions[0]!["label"]!.GetValue<string>());
        Assert.Equal("false", predictions[1]!["label"]!.GetValue<string>());
        var probabilities = predictions[0]!["probabilities"]!.AsObject();
        Assert.Equal(["false", "true"], probabilities.Select(p => p.Key).Order());
        Assert.False(string.IsNullOrEmpty(predictions[2]!["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Multiclass_model_gives_class_labels_and_top_k()
    {
        await using var server = await TestServer.StartAsync(store.MulticlassDirectory, "ratings");
        const string body = """{"instances":[{"age":78,"income":98000,"genre":"drama"},{"age":19,"income":21000,"genre":"horror"}],"parameters":{"top_k":2}}""";

        var (status, response) = await server.PostAsync("/v2/models/ratings/predict", body);

        Assert.Equal(200, status);
        var predictions = response!["predictions"]!.AsArray();
        Assert.Equal("high", predictions[0]!["label"]!.GetValue<string>());
        Assert.Equal("low", predictions[1]!["label"]!.GetValue<string>());
        var top = predictions[0]!["probabilities"]!.AsObject().ToList();
        Assert.Equal(2, top.Count);
        Assert.Equal("high", top[0].Key);
        Assert.True(top[0].Value!.GetValue<double>() >= top[1].Value!.GetValue<double>());

        var v2 = await server.PostAsync("/v2/models/ratings/infer", """
            {"parameters":{"top_k":1},"inputs":[{"name":"age","shape":[1],"datatype":"FP32","data":[78]},{"name":"income","shape":[1],"datatype":"FP32","data":[98000]},{"name":"genre","shape":[1],"datatype":"BYTES","data":["drama"]}]}
            """);
        var outputs = v2.Body!["outputs"]!.AsArray().ToDictionary(o => o!["name"]!.GetValue<string>(), o => o!);
        Assert.Equal([1, 3], outputs["probabilities"]["shape"]!.AsArray().Select(v => v!.GetValue<int>()));
        Assert.Equal("high", outputs["top_k_labels"]["data"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Decision_threshold_from_the_manifest_decides_binary_labels()
    {
        var dir = store.CopyBinary();
        var manifestPath = Path.Combine(dir, "1.0", "manifest.json");
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        manifest["label"]!["decisionThreshold"] = 0.999999;
        File.WriteAllText(manifestPath, manifest.ToJsonString());
        await using var server = await TestServer.StartAsync(dir);

        var (_, body) = await server.PostAsync("/v2/models/movies/predict", TestServer.RecordsBody(Fan));

        var prediction = body!["predictions"]![0]!;
        Assert.True(prediction["probabilities"]!["true"]!.GetValue<double>() > 0.5);
        Assert.Equal("false", prediction["label"]!.GetValue<string>());
    }
}
