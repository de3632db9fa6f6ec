using System.Net;
using System.Text.Json;
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
        var port = FreePort();
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
        // s3:// goes to the endpoint in FLYWHEEL_S3_ENDPOINT, path style; no other test reads the variable.
        Environment.SetEnvironmentVariable("FLYWHEEL_S3_ENDPOINT", $"http://127.0.0.1:{port}");
        TrainingResult s3;
        try
        {
            s3 = await TrainerRunner.RunAsync(Specs.For("binaryClassification", "s3://models-bucket/data/churn.csv"), dir.File("store3"), Specs.Quiet);
        }
        finally
        {
            Environment.SetEnvironmentVariable("FLYWHEEL_S3_ENDPOINT", null);
        }

        await serving.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(result.Manifest.Onnx.Sha256, s3.Manifest.Onnx.Sha256);

        Assert.Equal(["churn.csv"], result.Manifest.TrainingData!.Sources);
        Assert.Contains("answered 404", missing.Message);
        Assert.Contains("data.source", missing.Message);
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

    private static int FreePort()
    {
        using var socket = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
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
