using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using Flywheel.InferenceServer.Hosting;
using Flywheel.InferenceServer.Monitoring;
using Prometheus;

namespace Flywheel.InferenceServer.Protocol;

/// <summary><c>POST /v2/models/{name}[/versions/{version}]/infer</c> and the records form <c>/predict</c>.</summary>
internal sealed class InferenceEndpoints(ServerState state, ILogger logger)
{
    private readonly ConcurrentDictionary<string, RequestMetrics> _requestMetrics = new(StringComparer.Ordinal);

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v2/models/{name}/infer", context => HandleAsync(context, records: false));
        routes.MapPost("/v2/models/{name}/versions/{version}/infer", context => HandleAsync(context, records: false));
        routes.MapPost("/v2/models/{name}/predict", context => HandleAsync(context, records: true));
        routes.MapPost("/v2/models/{name}/versions/{version}/predict", context => HandleAsync(context, records: true));
    }

    private async Task HandleAsync(HttpContext context, bool records)
    {
        var started = Stopwatch.GetTimestamp();
        var options = state.Options;
        var name = (string)context.Request.RouteValues["name"]!;
        if (name != options.ModelName)
        {
            HttpIo.WriteError(context.Response, StatusCodes.Status404NotFound, $"model '{name}' is not served here; this server serves '{options.ModelName}'");
            return;
        }

        var model = state.Stopping ? null : state.Models.Acquire();
        if (model is null)
        {
            HttpIo.WriteError(context.Response, StatusCodes.Status503ServiceUnavailable, state.Stopping ? "the server is shutting down; retry on another replica" : "the model is not loaded yet; retry when /v2/health/ready is 200");
            return;
        }

        var metrics = _requestMetrics.GetOrAdd(model.Version, static (v, s) => new RequestMetrics(s.Metrics, s.Options, v), state);
        var outcome = RequestOutcome.Success;
        byte[]? body = null;
        var admitted = false;
        var expected = false;
        try
        {
            if (context.Request.RouteValues["version"] is string version && version != model.Version)
            {
                throw new ProtocolException(StatusCodes.Status404NotFound, $"version '{version}' of model '{name}' is not served; this server serves version '{model.Version}'");
            }

            if (!state.TryAdmit())
            {
                outcome = RequestOutcome.Overloaded;
                context.Response.Headers.RetryAfter = "1";
                HttpIo.WriteError(context.Response, StatusCodes.Status429TooManyRequests, $"the server has {options.MaxQueue} requests in progress; retry after 1 second");
                return;
            }

            admitted = true;
            metrics.Inflight.Inc();
            state.Batcher.Expect();
            expected = true;
            HttpIo.RequireJson(context.Request);
            var (buffer, length) = await HttpIo.ReadBodyAsync(context.Request, options.MaxRequestBytes, context.RequestAborted);
            body = buffer;
            var json = buffer.AsSpan(0, length);
            var request = records
                ? RecordsRequestReader.Read(json, model.Schema, options.MaxRequestRows)
                : V2RequestReader.Read(json, model.Schema, options.MaxRequestRows);
            ResponseWriter.CheckOutputs(model.Schema, request);
            expected = false;
            var slice = await state.Batcher.SubmitAsync(model, request.Batch, expected: true);
            HttpIo.WriteJson(context.Response, StatusCodes.Status200OK, writer =>
            {
                if (records)
                {
                    ResponseWriter.WriteRecords(writer, options.ModelName, model.Version, model.Schema, request, slice);
                }
                else
                {
                    ResponseWriter.WriteV2(writer, options.ModelName, model.Version, model.Schema, request, slice);
                }
            });
        }
        catch (ProtocolException ex)
        {
            outcome = RequestOutcome.ClientError;
            HttpIo.WriteError(context.Response, ex.Status, ex.Message);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            outcome = RequestOutcome.ClientError;
        }
        catch (BadHttpRequestException ex)
        {
            outcome = RequestOutcome.ClientError;
            HttpIo.WriteError(context.Response, ex.StatusCode, $"the request could not be read: {ex.Message}");
        }
        catch (Exception ex)
        {
            outcome = RequestOutcome.ServerError;
            logger.LogError(ex, "Inference failed for {Model} version {Version}", name, model.Version);
            if (!context.Response.HasStarted)
            {
                HttpIo.WriteError(context.Response, StatusCodes.Status500InternalServerError, $"inference failed: {ex.Message}");
            }
        }
        finally
        {
            if (body is not null)
            {
                ArrayPool<byte>.Shared.Return(body);
            }

            if (expected)
            {
                state.Batcher.Withdraw();
            }

            if (admitted)
            {
                metrics.Inflight.Dec();
                state.Leave();
            }

            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var outcomeIndex = Array.IndexOf(RequestOutcome.All, outcome);
            metrics.Record(outcomeIndex, seconds);
            model.Monitor?.Requests.Record(outcomeIndex, seconds);
            model.Release();
        }
    }

    /// <summary>The request metric children of one version, looked up once.</summary>
    private sealed class RequestMetrics
    {
        private readonly Counter.Child[] _requests;
        private readonly Histogram.Child[] _durations;

        public RequestMetrics(ServerMetrics metrics, ServerOptions options, string version)
        {
            _requests = [.. RequestOutcome.All.Select(o => metrics.Requests.WithLabels(options.Namespace, options.ModelName, version, o))];
            _durations = [.. RequestOutcome.All.Select(o => metrics.RequestDuration.WithLabels(options.Namespace, options.ModelName, version, o))];
            Inflight = metrics.Inflight.WithLabels(options.Namespace, options.ModelName, version);
        }

        public Gauge.Child Inflight { get; }

        /// <summary>Counts one request; <paramref name="outcome"/> indexes <see cref="RequestOutcome.All"/>.</summary>
        public void Record(int outcome, double seconds)
        {
            _requests[outcome].Inc();
            _durations[outcome].Observe(seconds);
        }
    }
}
