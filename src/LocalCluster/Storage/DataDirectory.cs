using System.Globalization;
using System.Text.Json.Nodes;

namespace Flywheel.ApiServer.Storage;

/// <summary>
/// Persistence for standalone mode: one JSON file per object under <c>objects/</c>, each written to a temporary
/// file and renamed into place, so a kill leaves either the old or the new version, never a torn one. The
/// highest resourceVersion is kept in <c>revision</c> the same way, so versions keep increasing across restarts.
/// </summary>
internal sealed class DataDirectory(string root) : IAsyncDisposable
{
    private readonly string _objects = Path.Combine(root, "objects");
    private readonly string _revisionFile = Path.Combine(root, "revision");
    private Task? _loop;
    private Subscription? _subscription;

    /// <summary>Loads every object into <paramref name="store"/>, CRDs first; returns them for registration.</summary>
    public List<(string StorageKey, JsonObject Object)> Load(ObjectStore store)
    {
        Directory.CreateDirectory(_objects);
        var floor = File.Exists(_revisionFile) && long.TryParse(File.ReadAllText(_revisionFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var saved) ? saved : 0;
        var loaded = new List<(string, JsonObject)>();
        foreach (var tableDir in Directory.EnumerateDirectories(_objects))
        {
            var storageKey = Uri.UnescapeDataString(Path.GetFileName(tableDir));
            foreach (var file in Directory.EnumerateFiles(tableDir, "*.json", SearchOption.AllDirectories))
            {
                if (JsonNode.Parse(File.ReadAllText(file)) is not JsonObject obj)
                {
                    continue;
                }

                var rv = long.TryParse((string?)obj["metadata"]?["resourceVersion"], NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0;
                store.Restore(storageKey, StoredObject.From(obj, rv), floor);
                loaded.Add((storageKey, obj));
            }

            foreach (var stale in Directory.EnumerateFiles(tableDir, "*.tmp", SearchOption.AllDirectories))
            {
                File.Delete(stale);
            }
        }

        store.RaiseRevision(floor);
        return loaded;
    }

    public void Start(ObjectStore store)
    {
        var (subscription, _, _) = store.Watch(null, null, store.Revision, isInternal: true);
        _subscription = subscription;
        _loop = Task.Run(() => RunAsync(subscription));
    }

    private async Task RunAsync(Subscription subscription)
    {
        var revision = 0L;
        while (await subscription.Reader.WaitToReadAsync())
        {
            while (subscription.Reader.TryRead(out var evt))
            {
                var file = FileOf(evt.StorageKey, evt.Object);
                if (evt.Type == WatchEventType.Deleted)
                {
                    File.Delete(file);
                }
                else
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                    WriteAtomically(file, evt.Object.Json);
                }

                revision = Math.Max(revision, evt.Object.ResourceVersion);
            }

            WriteAtomically(_revisionFile, System.Text.Encoding.UTF8.GetBytes(revision.ToString(CultureInfo.InvariantCulture)));
        }
    }

    private string FileOf(string storageKey, StoredObject obj) =>
        Path.Combine(_objects, Uri.EscapeDataString(storageKey), obj.Namespace.Length == 0 ? "_cluster" : obj.Namespace, Uri.EscapeDataString(obj.Name) + ".json");

    private static void WriteAtomically(string path, byte[] content)
    {
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Writes what is queued, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _subscription?.Close();
        if (_loop is not null)
        {
            await _loop;
        }

        _subscription?.Dispose();
    }
}
