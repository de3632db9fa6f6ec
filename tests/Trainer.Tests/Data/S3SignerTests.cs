using Flywheel.Trainer.Data;

namespace Flywheel.Trainer.Tests.Data;

/// <summary>The signer against the worked examples of AWS's Signature Version 4 documentation for S3.</summary>
public sealed class S3SignerTests
{
    private static readonly DataAccess Example = new()
    {
        Region = "us-east-1",
        AccessKeyId = "AKIAIOSFODNN7EXAMPLE",
        SecretAccessKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    };

    private static readonly DateTimeOffset ExampleTime = new(2013, 5, 24, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_get_object_example_with_a_range_header_signs_as_documented()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://examplebucket.s3.amazonaws.com/test.txt");
        request.Headers.TryAddWithoutValidation("Range", "bytes=0-9");

        S3Signer.Sign(request, Example, ExampleTime);

        Assert.Equal(
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
            Header(request, "Authorization"));
        Assert.Equal("20130524T000000Z", Header(request, "x-amz-date"));
        Assert.Equal(S3Signer.EmptyPayloadHash, Header(request, "x-amz-content-sha256"));
    }

    [Fact]
    public void The_list_objects_example_with_a_query_signs_as_documented()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J");

        S3Signer.Sign(request, Example, ExampleTime);

        Assert.EndsWith("SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7", Header(request, "Authorization"));
    }

    [Fact]
    public void Temporary_credentials_send_and_sign_the_session_token()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://examplebucket.s3.amazonaws.com/test.txt");

        S3Signer.Sign(request, Example with { SessionToken = "session-1" }, ExampleTime);

        Assert.Equal("session-1", Header(request, "x-amz-security-token"));
        Assert.Contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,", Header(request, "Authorization"));
    }

    [Theory]
    [InlineData("data/churn.csv", "data/churn.csv")]
    [InlineData("a b/ü+(1).csv", "a%20b/%C3%BC%2B%281%29.csv")]
    [InlineData("~x_y-z.1", "~x_y-z.1")]
    public void Keys_are_encoded_once_the_way_s3_encodes_them(string key, string encoded) =>
        Assert.Equal(encoded, S3Signer.Encode(key, keepSlash: true));

    [Fact]
    public void Credentials_with_only_one_half_set_are_named_as_the_problem()
    {
        Assert.Null(Example.Problem());
        Assert.Null(new DataAccess().Problem());
        var problem = (Example with { SecretAccessKey = null }).Problem();
        Assert.Contains("AWS_ACCESS_KEY_ID", problem);
        Assert.Contains("secretAccessKey", problem);
    }

    private static string Header(HttpRequestMessage request, string name) => string.Join(",", request.Headers.GetValues(name));
}
