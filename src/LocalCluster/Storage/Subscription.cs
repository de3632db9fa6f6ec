using System.Threading.Channels;

namespace Flywheel.ApiServer.Storage;

/// <summary>A live watch on the store: events for one table (or all, when <see cref="StorageKey"/> is null), optionally one namespace.</summary>
internal sealed class Subscription(ObjectStore store, string? storageKey, string? ns, bool isInternal) : IDisposable
{
    private readonly Channel<WatchEvent> _channel = Channel.CreateUnbounded<WatchEvent>(new UnboundedChannelOptions { SingleReader = true });

    public string? StorageKey { get; } = storageKey;

    public string? Namespace { get; } = ns;

    /// <summary>Controllers' own watches survive <see cref="ObjectStore.DropWatches"/>.</summary>
    public bool IsInternal { get; } = isInternal;

    public ChannelReader<WatchEvent> Reader => _channel.Reader;

    public bool Matches(WatchEvent evt) =>
        (StorageKey is null || StorageKey == evt.StorageKey) && (Namespace is null || Namespace == evt.Object.Namespace);

    public void Publish(WatchEvent evt) => _channel.Writer.TryWrite(evt);

    public void Close() => _channel.Writer.TryComplete();

    public void Dispose()
    {
        Close();
        store.Unsubscribe(this);
    }
}
