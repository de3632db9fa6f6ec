namespace Flywheel.ApiServer.Semantics;

/// <summary>
/// Striped locks keyed by an object's storage key, namespace and name. The verbs that read an object and
/// commit a new version of it hold its lock across both, so two such writes to one object take turns:
/// with compare-and-swap alone, a request could lose every retry to a client writing the same object in a
/// tight loop and answer 409 although it named no resourceVersion. Writes that bypass the verbs (the
/// garbage collector) still meet the store's compare-and-swap, which the verbs retry.
/// </summary>
internal sealed class ObjectLocks
{
    private readonly Lock[] _stripes;

    public ObjectLocks(int stripes = 64)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stripes);
        _stripes = Enumerable.Range(0, stripes).Select(_ => new Lock()).ToArray();
    }

    /// <summary>Holds one object's lock until disposed; unrelated objects may share a lock, which only makes them take turns.</summary>
    public Lock.Scope Enter(string storageKey, string ns, string name) =>
        _stripes[(uint)HashCode.Combine(storageKey, ns, name) % (uint)_stripes.Length].EnterScope();
}
