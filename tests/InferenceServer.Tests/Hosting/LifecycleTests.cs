using Flywheel.Contracts.Logs;
using Flywheel.InferenceServer.Hosting;
using Flywheel.InferenceServer.Runtime;
using Flywheel.InferenceServer.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Flywheel.InferenceServer.Tests.Hosting;

[Collection(ServerCollection.Name)]
public sealed class LifecycleTests(ModelStore store)
{
    [Fact]
    public async Task Graceful_stop_finishes_in_flight_requests_refuses_new_ones_and_flushes_every_log_line()
    {
        var logs = Path.Combine(store.Root, "logs-" + Guid.NewGuid().ToString("N"));
        var server = await TestServer.StartAsync(store.BinaryDirectory, configure: o => o with { LogDirectory = logs, MaxDelay = TimeSpan.FromMilliseconds(5) });
        var client = new HttpClient { BaseAddress = server.App.BaseAddress };
        try
        {
            var inflight = Enumerable.Range(0, 40).Select(_ => client.PostAsync("/v2/models/movies/predict",
                new StringContent(TestServer.RecordsBody((40, 50_000, "drama"), (70, 90_000, "comedy")), System.Text.Encoding.UTF8, "application/json"))).ToList();
            var stopping = server.App.StopAsync();
            Assert.False(server.App.State.Ready);
            var statuses = new List<int>();
            foreach (var request in inflight)
            {
                try
                {
                    using var response = await request;
                    statuses.Add((int)response.StatusCode);
                }
                catch (HttpRequestException)
                {
                    statuses.Add(0); // Refused at the socket: the listener had closed.
                }
            }

            await stopping;
            Assert.All(statuses, s => Assert.Contains(s, new[] { 200, 503, 0 }));
            var served = statuses.Count(s => s == 200);
            var lines = Directory.GetFiles(logs, PredictionLogFormat.PredictionFilePattern).SelectMany(File.ReadAllLines).Count();
            Assert.Equal(served * 2, lines);
        }
        finally
        {
            client.Dispose();
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Start_up_refuses_a_model_whose_digest_differs_from_its_manifest()
    {
        var dir = store.CopyBinary();
        await File.AppendAllTextAsync(Path.Combine(dir, "1.0", "model.onnx"), "tampered");

        var error = await Assert.ThrowsAsync<ModelLoadException>(() => TestServer.StartAsync(dir));

        Assert.Equal(ModelLoadException.DigestMismatch, error.Reason);
        Assert.Contains("sha256", error.Message);
        Assert.Contains("1.0", error.Message);
    }

    [Fact]
    public async Task Cuda_either_serves_on_cuda_or_fails_start_up_saying_what_it_needs()
    {
        var options = new ServerOptions { ModelDirectory = store.BinaryDirectory, ModelName = "movies", ModelVersion = "1.0", Host = "127.0.0.1", Port = 0, ExecutionProvider = ExecutionProviderChoice.Cuda };
        try
        {
            await using var app = await InferenceApp.StartAsync(options, logLevel: LogLevel.Warning);
            Assert.Equal(ExecutionProviders.Cuda, app.State.Models.Current!.Provider);
        }
        catch (ModelLoadException error)
        {
            Assert.Equal(ModelLoadException.ProviderUnavailable, error.Reason);
            Assert.Contains("CUDA 13 and cuDNN 9", error.Message);
            Assert.Contains("--execution-provider auto or cpu", error.Message);
        }
    }

    [Fact]
    public async Task Auto_falls_back_to_a_provider_that_loads_and_exports_it()
    {
        await using var server = await TestServer.StartAsync(store.BinaryDirectory, configure: o => o with { ExecutionProvider = ExecutionProviderChoice.Auto });
        var provider = server.App.State.Models.Current!.Provider;
        Assert.Contains(provider, new[] { ExecutionProviders.Cpu, ExecutionProviders.Cuda });
        Assert.Contains($"flywheel_inference_provider_info{{namespace=\"default\",model=\"movies\",version=\"1.0\",provider=\"{provider}\"}} 1", await server.MetricsAsync());
        Assert.Equal(200, (await server.PostAsync("/v2/models/movies/predict", TestServer.RecordsBody((40, 50_000, "drama")))).Status);
    }
}
