using Flywheel.InferenceServer.Tests.Support;

namespace Flywheel.InferenceServer.Tests.Protocol;

/// <summary>Every kind of bad input gets the protocol's error body, the right status and a message naming the field.</summary>
[Collection(ServerCollection.Name)]
public sealed class ValidationTests(ModelStore store) : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(store.BinaryDirectory, configure: o => o with { MaxRequestRows = 100 });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static string Body(string age = """{"name":"age","shape":[1],"datatype":"FP32","data":[30]}""", string extra = "") =>
        $$"""{"inputs":[{{age}},{"name":"income","shape":[1],"datatype":"FP32","data":[50000]},{"name":"genre","shape":[1],"datatype":"BYTES","data":["drama"]}{{extra}}]}""";

    private async Task AssertError(string path, string body, int status, params string[] fragments)
    {
        var (actual, response) = await _server.PostAsync(path, body);
        Assert.Equal(status, actual);
        var message = response!["error"]!.GetValue<string>();
        foreach (var fragment in fragments)
        {
            Assert.Contains(fragment, message);
        }
    }

    [Fact]
    public Task Wrong_datatype_names_the_input_and_the_datatypes_it_takes() =>
        AssertError("/v2/models/movies/infer", Body("""{"name":"age","shape":[1],"datatype":"BYTES","data":["30"]}"""), 400, "input 'age'", "BYTES", "numeric", "FP32");

    [Fact]
    public Task Unsupported_datatype_lists_the_supported_ones() =>
        AssertError("/v2/models/movies/infer", Body("""{"name":"age","shape":[1],"datatype":"FP16","data":[30]}"""), 400, "\"FP16\"", "FP32, FP64, INT32, INT64, BOOL or BYTES");

    [Fact]
    public Task Shape_that_does_not_match_the_data_is_refused() =>
        AssertError("/v2/models/movies/infer", Body("""{"name":"age","shape":[1],"datatype":"FP32","data":[30, 31]}"""), 400, "input 'age'", "more values than its shape");

    [Fact]
    public Task Batch_sizes_that_differ_between_inputs_are_refused() =>
        AssertError("/v2/models/movies/infer", Body("""{"name":"age","shape":[2],"datatype":"FP32","data":[30, 31]}"""), 400, "input 'income'", "same batch size");

    [Fact]
    public Task Two_columns_in_one_input_are_refused() =>
        AssertError("/v2/models/movies/infer", Body("""{"name":"age","shape":[1,2],"datatype":"FP32","data":[30, 31]}"""), 400, "input 'age'", "[batch] or [batch, 1]");

    [Fact]
    public Task Missing_feature_is_named_with_the_features_needed() =>
        AssertError("/v2/models/movies/infer", """{"inputs":[{"name":"age","shape":[1],"datatype":"FP32","data":[30]},{"name":"genre","shape":[1],"datatype":"BYTES","data":["drama"]}]}""", 400, "input 'income' is missing", "age, income, genre");

    [Fact]
    public Task Extra_feature_is_named() =>
        AssertError("/v2/models/movies/infer", Body(extra: """,{"name":"zip","shape":[1],"datatype":"FP32","data":[1]}"""), 400, "input 'zip' is not a feature");

    [Fact]
    public Task NaN_is_refused_with_the_fix() =>
        AssertError("/v2/models/movies/infer", Body("""{"name":"age","shape":[1],"datatype":"FP32","data":["NaN"]}"""), 400, "input 'age' element 0", "NaN and Infinity are not accepted");

    [Fact]
    public Task Infinity_by_overflow_is_refused() =>
        AssertError("/v2/models/movies/infer", Body("""{"name":"age","shape":[1],"datatype":"FP32","data":[1e39]}"""), 400, "input 'age' element 0", "out of range for FP32");

    [Fact]
    public Task String_for_a_number_is_refused() =>
        AssertError("/v2/models/movies/infer", Body("""{"name":"age","shape":[1],"datatype":"FP32","data":["thirty"]}"""), 400, "input 'age' element 0 is a string (\"thirty\")", "FP32 needs numbers");

    [Fact]
    public Task Fraction_for_an_integer_datatype_is_refused() =>
        AssertError("/v2/models/movies/infer", Body("""{"name":"age","shape":[1],"datatype":"INT64","data":[30.5]}"""), 400, "input 'age' element 0", "INT64 needs whole numbers");

    [Fact]
    public Task Malformed_json_is_refused_with_its_position() =>
        AssertError("/v2/models/movies/infer", """{"inputs":[{"name":"age",""", 400, "not valid JSON at byte");

    [Fact]
    public Task Empty_batch_is_refused() =>
        AssertError("/v2/models/movies/infer", """{"inputs":[{"name":"age","shape":[0],"datatype":"FP32","data":[]}]}""", 400, "empty batch");

    [Fact]
    public Task Empty_instances_are_refused() =>
        AssertError("/v2/models/movies/predict", """{"instances":[]}""", 400, "\"instances\" is empty");

    [Fact]
    public Task Records_missing_feature_names_the_row_and_feature() =>
        AssertError("/v2/models/movies/predict", """{"instances":[{"age":30,"income":1,"genre":"drama"},{"age":30,"genre":"drama"}]}""", 400, "instances[1] is missing feature 'income'");

    [Fact]
    public Task Records_number_for_a_category_is_refused() =>
        AssertError("/v2/models/movies/predict", """{"instances":[{"age":30,"income":1,"genre":7}]}""", 400, "instances[0].genre is the number 7", "categorical");

    [Fact]
    public Task Records_string_for_a_number_is_refused() =>
        AssertError("/v2/models/movies/predict", """{"instances":[{"age":"old","income":1,"genre":"drama"}]}""", 400, "instances[0].age is a string (\"old\")");

    [Fact]
    public Task Too_many_rows_get_413() =>
        AssertError("/v2/models/movies/infer", Body("""{"name":"age","shape":[101],"datatype":"FP32","data":[]}"""), 413, "at most 100 rows");

    [Fact]
    public Task Unknown_output_is_named() =>
        AssertError("/v2/models/movies/infer", Body().TrimEnd('}') + ""","outputs":[{"name":"logits"}]}""", 400, "output 'logits' does not exist");

    [Fact]
    public Task Unknown_model_gets_404() =>
        AssertError("/v2/models/books/infer", Body(), 404, "model 'books' is not served", "'movies'");

    [Fact]
    public Task Unknown_version_gets_404() =>
        AssertError("/v2/models/movies/versions/7.0/infer", Body(), 404, "version '7.0'", "version '1.0'");

    [Fact]
    public Task Unknown_feedback_id_gets_404() =>
        AssertError("/v2/models/movies/feedback", """{"id":"nope","signal":"positive"}""", 404, "prediction id 'nope' is unknown");

    [Fact]
    public Task Feedback_with_a_bad_signal_is_refused() =>
        AssertError("/v2/models/movies/feedback", """{"id":"x","signal":"meh"}""", 400, "\"signal\" is \"meh\"", "\"positive\" or \"negative\"");

    [Fact]
    public async Task Wrong_content_type_gets_415()
    {
        using var response = await _server.PostJsonAsync("/v2/models/movies/infer", Body(), "text/plain");
        Assert.Equal(415, (int)response.StatusCode);
        Assert.Contains("application/json", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Body_over_the_limit_gets_413()
    {
        var huge = Body().Replace("\"drama\"", "\"" + new string('x', 5 * 1024 * 1024) + "\"");
        var (status, response) = await _server.PostAsync("/v2/models/movies/infer", huge);
        Assert.Equal(413, status);
        Assert.Contains("larger than", response!["error"]!.GetValue<string>());
    }
}
