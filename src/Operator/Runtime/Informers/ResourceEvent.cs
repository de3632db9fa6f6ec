namespace Flywheel.Operator.Runtime.Informers;

/// <summary>What the informer saw happen to one object.</summary>
public enum ResourceEventType
{
    Added,
    Modified,
    Deleted,

    /// <summary>The periodic resync re-delivering a cached object that did not change.</summary>
    Resync,
}

/// <summary>One change delivered by an informer; <see cref="Old"/> is the previous cached copy when there was one.</summary>
public sealed record ResourceEvent<T>(ResourceEventType Type, T Object, T? Old = null) where T : class;
