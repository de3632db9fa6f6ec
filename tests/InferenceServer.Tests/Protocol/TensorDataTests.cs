using System.Text;
using Flywheel.InferenceServer.Pipeline;
using Flywheel.InferenceServer.Protocol;
using Flywheel.InferenceServer.Tests.Support;

namespace Flywheel.InferenceServer.Tests.Protocol;

public sealed class TensorDataTests
{
    private static readonly ModelSchema Schema = ModelSchema.From(ManifestSamples.Binary());

    [Fact]
    public void Known_categories_are_the_vocabulary_strings_and_unknown_or_escaped_ones_are_read_as_sent()
    {
        var body = """{"inputs":[{"name":"age","shape":[4],"datatype":"FP32","data":[1,2.5,null,4]},{"name":"genre","shape":[4,1],"datatype":"BYTES","data":["drama","western","dr\u0061ma",null]}]}""";

        var batch = V2RequestReader.Read(Encoding.UTF8.GetBytes(body), Schema, 100).Batch;

        var genres = batch.Text[1]!;
        Assert.Same(Schema.Features[1].Vocabulary[2], genres[0]);
        Assert.Equal("western", genres[1]);
        Assert.Equal("drama", genres[2]);
        Assert.Null(genres[3]);
        Assert.Equal([1, 2.5, double.NaN, 4], batch.Numeric[0]!);
    }

    [Fact]
    public void Records_rows_use_the_vocabulary_strings_too()
    {
        var body = """{"instances":[{"age":3,"genre":"horror"}]}""";

        var batch = RecordsRequestReader.Read(Encoding.UTF8.GetBytes(body), Schema, 100).Batch;

        Assert.Same(Schema.Features[1].Vocabulary[3], batch.Text[1]![0]);
    }

    [Theory]
    [InlineData("""[1,"x"]""", "input 'age' element 1 is a string (\"x\"); FP32 needs numbers")]
    [InlineData("""[1,{}]""", "input 'age' element 1 is an object; FP32 needs numbers")]
    public void A_bad_element_is_named_by_input_and_position(string data, string message)
    {
        var body = $$"""{"inputs":[{"name":"age","shape":[2],"datatype":"FP32","data":{{data}}},{"name":"genre","shape":[2],"datatype":"BYTES","data":["drama","drama"]}]}""";

        var error = Assert.Throws<ProtocolException>(() => V2RequestReader.Read(Encoding.UTF8.GetBytes(body), Schema, 100));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_records_value_names_the_row_and_the_feature()
    {
        var body = """{"instances":[{"age":1,"genre":"drama"},{"age":true,"genre":"drama"}]}""";

        var error = Assert.Throws<ProtocolException>(() => RecordsRequestReader.Read(Encoding.UTF8.GetBytes(body), Schema, 100));

        Assert.StartsWith("instances[1].age is a boolean; feature 'age' needs numbers", error.Message, StringComparison.Ordinal);
    }
}
