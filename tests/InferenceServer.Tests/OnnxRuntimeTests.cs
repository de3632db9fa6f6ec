using Microsoft.ML.OnnxRuntime;

namespace Flywheel.InferenceServer.Tests;

public sealed class OnnxRuntimeTests
{
    [Fact]
    public void The_native_runtime_loads_and_offers_cpu_and_cuda_providers()
    {
        // Lists what the build contains, not what the machine can run: CUDA is present in the
        // GPU package even where its libraries cannot load.
        var providers = OrtEnv.Instance().GetAvailableProviders();

        Assert.Contains("CPUExecutionProvider", providers);
        Assert.Contains("CUDAExecutionProvider", providers);
    }
}
