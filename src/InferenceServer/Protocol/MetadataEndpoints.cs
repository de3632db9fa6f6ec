using Flywheel.Contracts.Cli;
using Flywheel.InferenceServer.Hosting;

namespace Flywheel.InferenceServer.Protocol;

/// <summary>Server and model health and metadata of the Open Inference Protocol.</summary>
internal sealed class MetadataEndpoints(ServerState state)
{
    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v2", context =>
        {
            HttpIo.WriteJson(context.Response, 200, w =>
            {
                w.WriteStartObject();
                w.WriteString("name", "flywheel-inference");
                w.WriteString("version", CommandDispatcher.InformationalVersion);
                w.WriteStartArray("extensions");
                w.WriteStringValue("records");
                w.WriteStringValue("feedback");
                w.WriteStringValue("monitoring");
                w.WriteEndArray();
                w.WriteEndObject();
            });
            return Task.CompletedTask;
        });
        routes.MapGet("/v2/health/live", context => Health(context, "live", true));
        routes.MapGet("/v2/health/ready", context => Health(context, "ready", state.Ready));
        routes.MapGet("/v2/models/{name}", Metadata);
        routes.MapGet("/v2/models/{name}/versions/{version}", Metadata);
        routes.MapGet("/v2/models/{name}/ready", ModelReady);
        routes.MapGet("/v2/models/{name}/versions/{version}/ready", ModelReady);
    }

    private static Task Health(HttpContext context, string what, bool ok)
    {
        HttpIo.WriteJson(context.Response, ok ? 200 : 503, w =>
        {
            w.WriteStartObject();
            w.WriteBoolean(what, ok);
            w.WriteEndObject();
        });
        return Task.CompletedTask;
    }

    private Task ModelReady(HttpContext context)
    {
        if (Resolve(context) is not { } model)
        {
            return Task.CompletedTask;
        }

        HttpIo.WriteJson(context.Response, state.Ready ? 200 : 503, w =>
        {
            w.WriteStartObject();
            w.WriteString("name", state.Options.ModelName);
            w.WriteString("version", model.Version);
            w.WriteBoolean("ready", state.Ready);
            w.WriteEndObject();
        });
        return Task.CompletedTask;
    }

    private Task Metadata(HttpContext context)
    {
        if (Resolve(context) is not { } model)
        {
            return Task.CompletedTask;
        }

        var schema = model.Schema;
        HttpIo.WriteJson(context.Response, 200, w =>
        {
            w.WriteStartObject();
            w.WriteString("name", state.Options.ModelName);
            w.WriteStartArray("versions");
            w.WriteStringValue(model.Version);
            w.WriteEndArray();
            w.WriteString("platform", "onnxruntime_onnx");
            w.WriteStartArray("inputs");
            foreach (var feature in schema.Features)
            {
                Tensor(w, feature.Name, feature.IsNumeric ? "FP32" : "BYTES", [-1, 1]);
            }

            w.WriteEndArray();
            w.WriteStartArray("outputs");
            foreach (var output in ResponseWriter.OutputNames(schema))
            {
                var (type, shape) = output switch
                {
                    ResponseWriter.ProbabilitiesOutput => ("FP32", new long[] { -1, schema.Classes.Length }),
                    ResponseWriter.TopKProbabilitiesOutput => ("FP32", [-1, -1]),
                    ResponseWriter.TopKLabelsOutput => ("BYTES", [-1, -1]),
                    ResponseWriter.ValueOutput => ("FP64", [-1]),
                    _ => ("BYTES", [-1]),
                };
                Tensor(w, output, type, shape);
            }

            w.WriteEndArray();
            w.WriteStartObject("parameters");
            w.WriteString("namespace", state.Options.Namespace);
            w.WriteString("task", schema.Task.ToString());
            w.WriteString("execution_provider", model.Provider);
            w.WriteString("classes", string.Join(",", schema.Classes));
            w.WriteNumber("decision_threshold", schema.Threshold);
            w.WriteEndObject();
            w.WriteEndObject();
        });
        return Task.CompletedTask;
    }

    /// <summary>The served model if the route names it (and its version), else a 404 naming what is served.</summary>
    private Runtime.ServedModel? Resolve(HttpContext context)
    {
        var name = (string)context.Request.RouteValues["name"]!;
        var model = state.Models.Current;
        if (name != state.Options.ModelName || model is null)
        {
            HttpIo.WriteError(context.Response, 404, $"model '{name}' is not served here; this server serves '{state.Options.ModelName}'");
            return null;
        }

        if (context.Request.RouteValues["version"] is string version && version != model.Version)
        {
            HttpIo.WriteError(context.Response, 404, $"version '{version}' of model '{name}' is not served; this server serves version '{model.Version}'");
            return null;
        }

        return model;
    }

    private static void Tensor(System.Text.Json.Utf8JsonWriter w, string name, string datatype, long[] shape)
    {
        w.WriteStartObject();
        w.WriteString("name", name);
        w.WriteString("datatype", datatype);
        w.WriteStartArray("shape");
        foreach (var dim in shape)
        {
            w.WriteNumberValue(dim);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }
}

