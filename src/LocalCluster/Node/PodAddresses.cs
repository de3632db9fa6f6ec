namespace Flywheel.ApiServer.Node;

/// <summary>
/// Hands each pod its own loopback address (127.0.0.2, 127.0.0.3, …): Linux routes all of 127/8 to the
/// loopback interface, so two replicas can both listen on port 8080 without any setup. Addresses are not
/// reused while the node runs, so a finished pod's reported podIP never points at another pod.
/// </summary>
internal sealed class PodAddresses
{
    private int _next = 2;

    public string Next()
    {
        var n = Interlocked.Increment(ref _next) - 1;
        if (n >= (1 << 24) - 1)
        {
            throw new InvalidOperationException("the local node ran out of loopback addresses (127.0.0.0/8); restart it");
        }

        return $"127.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}";
    }
}
