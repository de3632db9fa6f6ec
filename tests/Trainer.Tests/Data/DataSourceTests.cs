using System.Net;
using System.Text.Json;
using Flywheel.Testing;
using Flywheel.Trainer.Data;
using Parquet;
using Parquet.Schema;

namespace Flywheel.Trainer.Tests.Data;

public sealed class DataSourceTests
{
    [Fact]
    public async Task Csv_parquet_and_jsonl_of_the_same_rows_train_the_same_model()
    {
        using var dir = new TempDirectory();
        var rows = new SyntheticData { Task = "binaryClassification", Rows = 500 }.Generate();
        new SyntheticData { Task = "binaryClassification", Rows = 500 }.WriteCsv(dir.File("data.csv"));
        await WriteParquetAsync(dir.File("data.parquet"), rows);
        await File.WriteAllLinesAsync(dir.File("data.jsonl"), rows.Select(r => JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["age"] = r["age"].Length == 0 ? null : double.Parse(r["age"], System.Globalization.CultureInfo.InvariantCulture),
            ["income"] = double.Parse(r["income"], System.Globalization.CultureInfo.InvariantCulture),
            ["city"] = r["city"],
            ["plan"] = r["plan"],
            ["label"] = r["label"],
            ["unused"] = "x",
        })));

        var csv = await TrainerRunner.RunAsync(Specs.For("binaryClassification", dir.File("data.csv")), dir.File("csv"), Specs.Quiet);
        var parquet = await TrainerRunner.RunAsync(Specs.For("binaryClassification", dir.File("data.parquet"), "parquet"), dir.File("parquet"), Specs.Quiet);
        var jsonl = await TrainerRunner.RunAsync(Specs.For("binaryClassification", "file://" + dir.File("data.jsonl"), "jsonl"), dir.File("jsonl"), Specs.Quiet);

        Assert.Equal(500, parquet.Manifest.TrainingData!.RowsLoaded);
        Assert.Equal(csv.Manifest.Onnx.Sha256, parquet.Manifest.Onnx.Sha256);
        Assert.Equal(csv.Manifest.Onnx.Sha256, jsonl.Manifest.Onnx.Sha256);
        Assert.NotEqual(csv.Manifest.DataDigest, parquet.Manifest.DataDigest);
    }

    [Fact]
    public async Task A_pvc_directory_source_reads_every_file_of_the_format_under_the_data_root()
    {
        using var dir = new TempDirectory();
        var folder = Directory.CreateDirectory(Path.Combine(dir.Path, "mounts", "training-data", "churn")).FullName;
        new SyntheticData { Task = "regression", Rows = 300, Seed = 1 }.WriteCsv(Path.Combine(folder, "part-1.csv"));
        new SyntheticData { Task = "regression", Rows = 200, Seed = 2 }.WriteCsv(Path.Combine(folder, "part-2.csv"));
        await File.WriteAllTextAsync(Path.Combine(folder, "notes.txt"), "not data");

        var result = await TrainerRunner.RunAsync(
            Specs.For("regression", "pvc://training-data/churn"), "pvc://models", Specs.Quiet with { DataRoot = Path.Combine(dir.Path, "mounts") });

        Assert.Equal(["part-1.csv", "part-2.csv"], result.Manifest.TrainingData!.Sources);
        Assert.Equal(500, result.Manifest.TrainingData.RowsLoaded);
        Assert.Equal(Path.Combine(dir.Path, "mounts", "models", "default", "churn", "1.0"), result.VersionDirectory);
    }

    [Fact]
    public async Task Http_and_s3_sources_are_downloaded_and_a_failed_download_names_the_status()
    {
        using var dir = new TempDirectory();
        var csv = await File.ReadAllBytesAsync(new SyntheticData { Task = "binaryClassification", Rows = 300 }.WriteCsv(dir.File("data.csv")));
        var port = Ports.Free();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var serving = Task.Run(async () =>
        {
            for (var i = 0; i < 3; i++)
            {
                var context = await listener.GetContextAsync();
                context.Response.StatusCode = context.Request.Url!.AbsolutePath is "/data/churn.csv" or "/models-bucket/data/churn.csv" ? 200 : 404;
                if (context.Response.StatusCode == 200)
                {
                    await context.Response.OutputStream.WriteAsync(csv);
                }

                context.Response.Close();
            }
        });

        var result = await TrainerRunner.RunAsync(Specs.For("binaryClassification", $"http://127.0.0.1:{port}/data/churn.csv"), dir.File("store"), Specs.Quiet);
        var missing = await Assert.ThrowsAsync<TrainingInputException>(() =>
            TrainerRunner.RunAsync(Specs.For("binaryClassification", $"http://127.0.0.1:{port}/nothing.csv"), dir.File("store2"), Specs.Quiet));
        // s3:// goes to the S3-compatible endpoint path style.
        var s3 = await TrainerRunner.RunAsync(
            Specs.For("binaryClassification", "s3://models-bucket/data/churn.csv"), dir.File("store3"), Specs.Quiet with { Access = new DataAccess { S3Endpoint = $"http://127.0.0.1:{port}" } });
        await serving.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(result.Manifest.Onnx.Sha256, s3.Manifest.Onnx.Sha256);

        Assert.Equal(["churn.csv"], result.Manifest.TrainingData!.Sources);
        Assert.Contains("answered 404", missing.Message);
        Assert.Contains("data.source", missing.Message);
    }

    [Fact]
    public async Task Signed_s3_and_bearer_https_sources_are_read_and_refused_access_names_the_credentials()
    {
        using var dir = new TempDirectory();
        var csv = await File.ReadAllBytesAsync(new SyntheticData { Task = "binaryClassification", Rows = 300 }.WriteCsv(dir.File("data.csv")));
        var access = new DataAccess { Region = "eu-west-1", AccessKeyId = "AKIDTEST", SecretAccessKey = "secret/key+1", SessionToken = "session-7" };
        var port = Ports.Free();
        access = access with { S3Endpoint = $"http://127.0.0.1:{port}" };
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var seen = new List<string>();

        // A stand-in object store that checks each request's signature by signing the request as it arrived
        // (path as sent, headers as received) and comparing; https:// paths need the bearer token instead.
        var serving = Task.Run(async () =>
        {
            for (var i = 0; i < 4; i++)
            {
                var context = await listener.GetContextAsync();
                var request = context.Request;
                var authorization = request.Headers["Authorization"] ?? string.Empty;
                seen.Add($"{request.RawUrl} {authorization.Split(' ')[0]}");
                bool allowed;
                if (request.RawUrl!.StartsWith("/web/", StringComparison.Ordinal))
                {
                    allowed = authorization == "Bearer t0k3n";
                }
                else
                {
                    using var copy = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}{request.RawUrl}");
                    var signedAt = DateTimeOffset.ParseExact(request.Headers["x-amz-date"] ?? "19700101T000000Z", "yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal);
                    S3Signer.Sign(copy, access, signedAt);
                    allowed = authorization.Length > 0 && authorization == copy.Headers.GetValues("Authorization").Single()
                        && request.Headers["x-amz-security-token"] == "session-7";
                }

                context.Response.StatusCode = allowed ? 200 : 403;
                if (allowed)
                {
                    await context.Response.OutputStream.WriteAsync(csv);
                }

                context.Response.Close();
            }
        });

        var signed = await TrainerRunner.RunAsync(
            Specs.For("binaryClassification", "s3://models-bucket/data/churn 2026.csv"), dir.File("store1"), Specs.Quiet with { Access = access });
        var bearer = await TrainerRunner.RunAsync(
            Specs.For("binaryClassification", $"http://127.0.0.1:{port}/web/churn.csv"), dir.File("store2"), Specs.Quiet with { Access = access with { BearerToken = "t0k3n" } });
        var anonymous = await Assert.ThrowsAsync<TrainingInputException>(() => TrainerRunner.RunAsync(
            Specs.For("binaryClassification", "s3://models-bucket/data/churn.csv"), dir.File("store3"), Specs.Quiet with { Access = new DataAccess { S3Endpoint = access.S3Endpoint } }));
        var wrongKey = await Assert.ThrowsAsync<TrainingInputException>(() => TrainerRunner.RunAsync(
            Specs.For("binaryClassification", "s3://models-bucket/data/churn.csv"), dir.File("store4"), Specs.Quiet with { Access = access with { SecretAccessKey = "wrong" } }));
        var halfSet = await Assert.ThrowsAsync<TrainingInputException>(() => TrainerRunner.RunAsync(
            Specs.For("binaryClassification", "s3://models-bucket/data/churn.csv"), dir.File("store5"), Specs.Quiet with { Access = access with { SecretAccessKey = null } }));
        await serving.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(signed.Manifest.Onnx.Sha256, bearer.Manifest.Onnx.Sha256);
        Assert.Equal(["churn 2026.csv"], signed.Manifest.TrainingData!.Sources);
        Assert.Equal("/models-bucket/data/churn%202026.csv AWS4-HMAC-SHA256", seen[0]);
        Assert.Contains("answered 403", anonymous.Message);
        Assert.Contains("data.credentialsSecretRef", anonymous.Message);
        Assert.Contains("anonymous", anonymous.Message);
        Assert.Contains("signed for region eu-west-1", wrongKey.Message);
        Assert.Contains("AWS_SECRET_ACCESS_KEY", halfSet.Message);
        Assert.Equal(4, seen.Count);
    }

    [Fact]
    public async Task Quoted_csv_fields_with_commas_and_quotes_are_one_value()
    {
        using var dir = new TempDirectory();
        var lines = new List<string> { "age,income,city,plan,label" };
        for (var i = 0; i < 60; i++)
        {
            lines.Add($"{20 + i},{30 + i},\"{(i % 2 == 0 ? "new york, ny" : "say \"\"hi\"\"")}\",pro,{(i < 30 ? "no" : "yes")}");
        }

        await File.WriteAllLinesAsync(dir.File("q.csv"), lines);
        var result = await TrainerRunner.RunAsync(Specs.For("binaryClassification", dir.File("q.csv")), dir.File("store"), Specs.Quiet);

        Assert.Equal(["new york, ny", "say \"hi\""], result.Manifest.Features.Single(f => f.Name == "city").Vocabulary);
    }

    private static async Task WriteParquetAsync(string path, IReadOnlyList<Dictionary<string, string>> rows)
    {
        var age = new DataField<double?>("age");
        var income = new DataField<double>("income");
        var city = new DataField<string>("city");
        var plan = new DataField<string>("plan");
        var label = new DataField<string>("label");
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(age, income, city, plan, label), stream);
        using var group = writer.CreateRowGroup();
        double? Number(string s) => s.Length == 0 ? null : double.Parse(s, System.Globalization.CultureInfo.InvariantCulture);
        await group.WriteAsync<double>(age, rows.Select(r => Number(r["age"])).ToArray().AsMemory());
        await group.WriteAsync<double>(income, rows.Select(r => Number(r["income"])!.Value).ToArray().AsMemory());
        await group.WriteAsync(city, rows.Select(r => r["city"].Length == 0 ? null : r["city"]).ToArray());
        await group.WriteAsync(plan, rows.Select(r => r["plan"]).ToArray());
        await group.WriteAsync(label, rows.Select(r => r["label"]).ToArray());
    }
}
