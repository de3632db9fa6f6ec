using Flywheel.ApiServer.Http;
using Flywheel.ApiServer.Semantics;
using Flywheel.ApiServer.Storage;

namespace Flywheel.ApiServer.Controllers;

/// <summary>
/// Background garbage collection: deletes objects whose owners are all gone, finishes Foreground deletions
/// (dependents first, then the owner) and Orphan deletions (owner references removed, then the owner), and
/// empties a terminating namespace before removing it.
/// </summary>
internal sealed class GarbageCollector(ResourceService service) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public void Start()
    {
        var (subscription, _, _) = service.Store.Watch(null, null, service.Store.Revision, isInternal: true);
        _loop = Task.Run(() => RunAsync(subscription, _stop.Token));
    }

    private async Task RunAsync(Subscription subscription, CancellationToken cancellationToken)
    {
        using (subscription)
        {
            try
            {
                Collect();
                while (await subscription.Reader.WaitToReadAsync(cancellationToken))
                {
                    var relevant = false;
                    while (subscription.Reader.TryRead(out var evt))
                    {
                        relevant |= evt.Type == WatchEventType.Deleted || evt.Object.Deleting
                            || (evt.Object.OwnerUids.Count > 0 && !evt.Object.OwnerUids.SequenceEqual(evt.Previous?.OwnerUids ?? []));
                    }

                    if (relevant)
                    {
                        Collect();
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // Stopping.
            }
        }
    }

    /// <summary>One pass over every object; repeated until nothing changes.</summary>
    internal void Collect()
    {
        for (var pass = 0; pass < 16; pass++)
        {
            var all = service.Store.Snapshot();
            var uids = all.Select(o => o.Object.Uid).ToHashSet(StringComparer.Ordinal);
            var changed = false;
            foreach (var (key, obj) in all)
            {
                if (obj.OwnerUids.Count > 0 && !obj.OwnerUids.Any(uids.Contains) && !obj.Deleting)
                {
                    changed |= TryDelete(key, obj, "Background");
                }
            }

            foreach (var (key, owner) in all.Where(o => o.Object.Deleting))
            {
                var dependents = all.Where(o => o.Object.OwnerUids.Contains(owner.Uid)).ToList();
                if (owner.Finalizers.Contains(ResourceService.OrphanFinalizer))
                {
                    foreach (var (dependentKey, dependent) in dependents)
                    {
                        changed |= Mutate(dependentKey, dependent, o =>
                        {
                            var refs = (System.Text.Json.Nodes.JsonArray)o["metadata"]!["ownerReferences"]!;
                            foreach (var reference in refs.Where(r => (string?)r?["uid"] == owner.Uid).ToList())
                            {
                                refs.Remove(reference);
                            }

                            if (refs.Count == 0)
                            {
                                ((System.Text.Json.Nodes.JsonObject)o["metadata"]!).Remove("ownerReferences");
                            }
                        });
                    }

                    changed |= RemoveFinalizer(key, owner, ResourceService.OrphanFinalizer);
                }
                else if (owner.Finalizers.Contains(ResourceService.ForegroundFinalizer))
                {
                    if (dependents.Count == 0)
                    {
                        changed |= RemoveFinalizer(key, owner, ResourceService.ForegroundFinalizer);
                    }
                    else
                    {
                        foreach (var (dependentKey, dependent) in dependents.Where(d => !d.Object.Deleting))
                        {
                            changed |= TryDelete(dependentKey, dependent, "Foreground");
                        }
                    }
                }
                else if (key == "/namespaces")
                {
                    var contents = all.Where(o => o.Object.Namespace == owner.Name && o.StorageKey != "/namespaces").ToList();
                    foreach (var (contentKey, content) in contents.Where(c => !c.Object.Deleting))
                    {
                        changed |= TryDelete(contentKey, content, "Background");
                    }

                    if (contents.Count == 0)
                    {
                        try
                        {
                            service.Store.Delete(key, string.Empty, owner.Name, owner.ResourceVersion);
                            changed = true;
                        }
                        catch (StoreException)
                        {
                            changed = true;
                        }
                    }
                }
            }

            if (!changed)
            {
                return;
            }
        }
    }

    private bool TryDelete(string storageKey, StoredObject obj, string policy)
    {
        if (service.Registry.FindByStorageKey(storageKey) is not { } type)
        {
            return false;
        }

        try
        {
            service.Delete(type, obj.Namespace, obj.Name, new DeleteOptions(policy));
            return true;
        }
        catch (ApiException)
        {
            return false;
        }
    }

    private bool RemoveFinalizer(string storageKey, StoredObject obj, string finalizer) =>
        Mutate(storageKey, obj, o => ObjectMeta.SetFinalizers(o, ObjectMeta.Finalizers(o).Where(f => f != finalizer).ToList()));

    private bool Mutate(string storageKey, StoredObject obj, Action<System.Text.Json.Nodes.JsonObject> change)
    {
        if (service.Registry.FindByStorageKey(storageKey) is not { } type)
        {
            return false;
        }

        try
        {
            var current = service.Store.Get(storageKey, obj.Namespace, obj.Name);
            if (current is null)
            {
                return false;
            }

            var next = current.Parse();
            change(next);
            service.Commit(type, current, next, null, new WriteOptions(FieldManager: "garbage-collector"), "Update");
            return true;
        }
        catch (ApiException)
        {
            return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        _stop.Dispose();
    }
}
