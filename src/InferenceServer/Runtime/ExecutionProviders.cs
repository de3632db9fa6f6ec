using Flywheel.InferenceServer.Hosting;
using Microsoft.ML.OnnxRuntime;
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace Flywheel.InferenceServer.Runtime;

/// <summary>Session options for the chosen execution provider, with graph optimizations and thread counts.</summary>
internal static class ExecutionProviders
{
    public const string Cuda = "cuda";
    public const string Cpu = "cpu";

    /// <summary>
    /// Options for <paramref name="choice"/> and the provider they use. <c>auto</c> falls back to CPU when
    /// CUDA does not load (CUDA 13 and cuDNN 9 missing, or a CPU-only runtime) and logs why; <c>cuda</c> fails.
    /// </summary>
    public static (SessionOptions Options, string Provider) Create(ExecutionProviderChoice choice, int intraOpThreads, int interOpThreads, ILogger logger)
    {
        if (choice != ExecutionProviderChoice.Cpu)
        {
            var options = Base(intraOpThreads, interOpThreads);
            try
            {
                options.AppendExecutionProvider_CUDA(0);
                return (options, Cuda);
            }
            catch (Exception ex) when (ex is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
            {
                options.Dispose();
                var why = ex.Message.Split('\n')[0];
                if (choice == ExecutionProviderChoice.Cuda)
                {
                    throw new ModelLoadException(ModelLoadException.ProviderUnavailable,
                        $"--execution-provider cuda: the CUDA execution provider does not load here ({why}); it needs an NVIDIA GPU with CUDA 13 and cuDNN 9 libraries on the library path. Use --execution-provider auto or cpu to serve on CPU.", ex);
                }

                logger.LogWarning("CUDA execution provider unavailable, serving on CPU: {Reason}", why);
            }
        }

        return (Base(intraOpThreads, interOpThreads), Cpu);
    }

    private static SessionOptions Base(int intraOpThreads, int interOpThreads) => new()
    {
        GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        IntraOpNumThreads = intraOpThreads,
        InterOpNumThreads = interOpThreads,
        // ORT logs a harmless shape-merge warning for the converter's one-hot outputs; keep errors only.
        LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
    };
}
