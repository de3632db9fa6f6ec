namespace Flywheel.ApiServer.Node;

/// <summary>
/// Hands each pod its own loopback address: Linux routes all of 127/8 to the loopback interface, so two
/// replicas can both listen on port 8080 without any setup. Each node claims a block 127.B.0.0/16 through an
/// exclusive lock file (released by the OS if the process dies), so nodes running side by side on one
/// machine never hand out the same address; within the block, addresses are not reused while the node runs,
/// so a finished pod's reported podIP never points at another pod.
/// </summary>
internal sealed class PodAddresses : IDisposable
{
    private readonly FileStream _claim;
    private readonly int _block;
    private int _next = 1;

    public PodAddresses()
    {
        var folder = Path.Combine(Path.GetTempPath(), "flywheel-node-addresses");
        Directory.CreateDirectory(folder);
        foreach (var block in Enumerable.Range(1, 254).OrderBy(_ => Random.Shared.Next()))
        {
            try
            {
                _claim = new FileStream(Path.Combine(folder, $"127.{block}.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                _block = block;
                return;
            }
            catch (IOException)
            {
                // Another node holds this block.
            }
        }

        throw new InvalidOperationException($"every loopback block 127.1-254.0.0/16 is claimed by another local node (lock files in {folder}); stop one of them");
    }

    public string Next()
    {
        var n = Interlocked.Increment(ref _next);
        if (n >= 65535)
        {
            throw new InvalidOperationException($"the local node used up its loopback block 127.{_block}.0.0/16; restart it");
        }

        return $"127.{_block}.{n >> 8}.{n & 255}";
    }

    public void Dispose() => _claim.Dispose();
}
