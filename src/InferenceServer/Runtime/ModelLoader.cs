using System.Security.Cryptography;
using Flywheel.Contracts.Artifacts;
using Flywheel.InferenceServer.Hosting;
using Flywheel.InferenceServer.Monitoring;
using Flywheel.InferenceServer.Pipeline;
using Microsoft.ML.OnnxRuntime;

namespace Flywheel.InferenceServer.Runtime;

/// <summary>
/// Loads a version directory: reads and checks the manifest, verifies model.onnx against its sha256, opens
/// the session on the chosen provider, checks the graph against the manifest and warms it up.
/// </summary>
internal sealed class ModelLoader(ServerOptions options, ServerMetrics metrics, ILogger logger, TimeProvider? time = null)
{
    /// <summary>The directory of a version: the model directory itself when it holds a manifest.</summary>
    public string VersionDirectory(string? version) =>
        version is null || File.Exists(Path.Combine(options.ModelDirectory, ManifestJson.ManifestFileName)) && !System.IO.Directory.Exists(Path.Combine(options.ModelDirectory, version))
            ? options.ModelDirectory
            : Path.Combine(options.ModelDirectory, version);

    public async Task<ServedModel> LoadAsync(string? version, CancellationToken cancellationToken)
    {
        var directory = VersionDirectory(version);
        if (!File.Exists(Path.Combine(directory, ManifestJson.ManifestFileName)))
        {
            throw new ModelLoadException(ModelLoadException.NotFound, $"model version \"{version}\" not found: {Path.Combine(directory, ManifestJson.ManifestFileName)} does not exist; check --model-dir and the version");
        }

        ModelManifest manifest;
        ModelSchema schema;
        try
        {
            manifest = await ManifestJson.ReadAsync(directory, cancellationToken);
            schema = ModelSchema.From(manifest);
        }
        catch (InvalidDataException ex)
        {
            throw new ModelLoadException(ModelLoadException.InvalidManifest, ex.Message, ex);
        }

        var servedVersion = version ?? manifest.Model.Version;
        var onnxPath = Path.Combine(directory, manifest.Onnx.File);
        if (!File.Exists(onnxPath))
        {
            throw new ModelLoadException(ModelLoadException.NotFound, $"{onnxPath} does not exist; the manifest's onnx.file names it");
        }

        var bytes = await File.ReadAllBytesAsync(onnxPath, cancellationToken);
        var digest = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (!string.Equals(digest, manifest.Onnx.Sha256.Replace("sha256:", string.Empty, StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase))
        {
            throw new ModelLoadException(ModelLoadException.DigestMismatch,
                $"refusing version {servedVersion}: sha256 of {onnxPath} is {digest} but its manifest says {manifest.Onnx.Sha256}; the file was changed or truncated after training");
        }

        var (sessionOptions, provider) = ExecutionProviders.Create(options.ExecutionProvider, options.IntraOpThreads, options.InterOpThreads, logger);
        InferenceSession session;
        try
        {
            session = new InferenceSession(bytes, sessionOptions);
        }
        catch (OnnxRuntimeException ex) when (provider == ExecutionProviders.Cuda && options.ExecutionProvider == ExecutionProviderChoice.Auto)
        {
            logger.LogWarning("CUDA session failed, serving on CPU: {Reason}", ex.Message);
            sessionOptions.Dispose();
            (sessionOptions, provider) = ExecutionProviders.Create(ExecutionProviderChoice.Cpu, options.IntraOpThreads, options.InterOpThreads, logger);
            session = new InferenceSession(bytes, sessionOptions);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new ModelLoadException(ModelLoadException.InvalidGraph, $"{onnxPath} is not a model ONNX Runtime can load: {ex.Message}", ex);
        }
        finally
        {
            sessionOptions.Dispose();
        }

        try
        {
            CheckGraph(schema, session, onnxPath);
            var monitor = options.Monitoring
                ? new ModelMonitor(schema, metrics, options.DriftMethod, options.MonitoringWindow, options.Namespace, options.ModelName, servedVersion, time)
                : null;
            var model = new ServedModel(servedVersion, directory, schema, session, provider, monitor);
            WarmUp(model);
            logger.LogInformation("Loaded {Model} version {Version} from {Directory} on {Provider}", options.ModelName, servedVersion, directory, provider);
            return model;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private static void CheckGraph(ModelSchema schema, InferenceSession session, string path)
    {
        var declared = schema.Inputs.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var name in session.InputMetadata.Keys)
        {
            if (!declared.Contains(name))
            {
                throw new ModelLoadException(ModelLoadException.InvalidGraph, $"{path} has graph input \"{name}\" that manifest onnx.inputs does not list; every graph input needs a feature or a fill");
            }
        }

        foreach (var input in schema.Inputs)
        {
            if (!session.InputMetadata.ContainsKey(input.Name))
            {
                throw new ModelLoadException(ModelLoadException.InvalidGraph, $"manifest onnx.inputs names \"{input.Name}\" but {path} has no such input; graph inputs are {string.Join(", ", session.InputMetadata.Keys)}");
            }
        }

        var outputs = schema.Manifest.Onnx.Outputs;
        foreach (var name in new[] { outputs.Prediction, outputs.Probability }.OfType<string>())
        {
            if (!session.OutputMetadata.ContainsKey(name))
            {
                throw new ModelLoadException(ModelLoadException.InvalidGraph, $"manifest onnx.outputs names \"{name}\" but {path} has no such output; graph outputs are {string.Join(", ", session.OutputMetadata.Keys)}");
            }
        }
    }

    /// <summary>Runs typical rows until ONNX Runtime and the JIT are warm, so the first requests are not slow.</summary>
    private static void WarmUp(ServedModel model)
    {
        foreach (var rows in new[] { 1, 64 })
        {
            var batch = new FeatureBatch(model.Schema, rows);
            foreach (var feature in model.Schema.Features)
            {
                if (feature.IsNumeric)
                {
                    Array.Fill(batch.Numeric[feature.Index]!, feature.BinEdges.Length > 0 ? feature.BinEdges[feature.BinEdges.Length / 2] : 0);
                }
                else
                {
                    Array.Fill(batch.Text[feature.Index]!, feature.Vocabulary.Count > 0 ? feature.Vocabulary[0] : string.Empty);
                }
            }

            for (var i = 0; i < (rows == 1 ? 300 : 30); i++)
            {
                model.Run(batch);
            }
        }
    }
}
