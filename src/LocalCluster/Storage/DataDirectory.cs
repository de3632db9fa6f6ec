using System.Globalization;
using System.Text.Json.Nodes;

namespace Flywheel.ApiServer.Storage;

/// <summary>
/// Persistence for standalone mode: one JSON file per object under <c>objects/</c>, written synchronously with
/// each commit (before the client gets its answer) to a temporary file that is then renamed into place, so a
/// killed process leaves either the old or the new version, never a torn one. The resourceVersion of the
/// last deletion is kept in <c>revision</c> the same way, so versions keep increasing across restarts.
/// </summary>
internal sealed class DataDirectory(string root)
{
    private readonly string _objects = Path.Combine(root, "objects");
    private readonly string _revisionFile = Path.Combine(root, "revision");

    /// <summary>Loads every object into <paramref name="store"/> and returns them (CRDs need registering).</summary>
    public List<(string StorageKey, JsonObject Object)> Load(ObjectStore store)
    {
        Directory.CreateDirectory(_objects);
        var floor = File.Exists(_revisionFile) && long.TryParse(File.ReadAllText(_revisionFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var saved) ? saved : 0;
        var loaded = new List<(string, JsonObject)>();
        foreach (var tableDir in Directory.EnumerateDirectories(_objects))
        {
            var storageKey = Uri.UnescapeDataString(Path.GetFileName(tableDir));
            foreach (var stale in Directory.EnumerateFiles(tableDir, "*.tmp", SearchOption.AllDirectories))
            {
                // A write that was killed before its rename: the previous version is still in place.
                File.Delete(stale);
            }

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
        }

        store.RaiseRevision(floor);
        return loaded;
    }

    /// <summary>Called by the store, in commit order, for every event.</summary>
    public void Write(WatchEvent evt)
    {
        var file = FileOf(evt.StorageKey, evt.Object);
        if (evt.Type == WatchEventType.Deleted)
        {
            File.Delete(file);
            WriteAtomically(_revisionFile, System.Text.Encoding.UTF8.GetBytes(evt.Object.ResourceVersion.ToString(CultureInfo.InvariantCulture)));
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        WriteAtomically(file, evt.Object.Json);
    }

    private string FileOf(string storageKey, StoredObject obj) =>
        Path.Combine(_objects, Uri.EscapeDataString(storageKey), obj.Namespace.Length == 0 ? "_cluster" : obj.Namespace, Uri.EscapeDataString(obj.Name) + ".json");

    private static void WriteAtomically(string path, byte[] content)
    {
        var temp = path + ".tmp";
        File.WriteAllBytes(temp, content);
        File.Move(temp, path, overwrite: true);
    }
}
