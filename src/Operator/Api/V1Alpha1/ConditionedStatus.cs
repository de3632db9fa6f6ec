namespace Flywheel.Operator.Api.V1Alpha1;

/// <summary>A status with conditions and the generation it was computed from.</summary>
public interface IConditionedStatus
{
    List<Condition>? Conditions { get; set; }

    long? ObservedGeneration { get; set; }
}

/// <summary>Condition bookkeeping shared by every status type.</summary>
public static class ConditionedStatusExtensions
{
    /// <summary>The condition of the given type, or null when it was never set.</summary>
    public static Condition? GetCondition(this IConditionedStatus status, string type) =>
        status.Conditions?.FirstOrDefault(c => string.Equals(c.Type, type, StringComparison.Ordinal));

    /// <summary>True when the condition is present with status True.</summary>
    public static bool IsTrue(this IConditionedStatus status, string type) =>
        status.GetCondition(type)?.Status == ConditionStatus.True;

    /// <summary>
    /// Records a condition. <c>lastTransitionTime</c> moves only when the status flips, so that it
    /// tells how long the object has been in its state; reason, message and generation always update.
    /// Returns true when anything changed, so that callers write status only when it did.
    /// </summary>
    public static bool SetCondition(this IConditionedStatus status, Condition condition, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(clock);
        status.Conditions ??= [];
        var index = status.Conditions.FindIndex(c => string.Equals(c.Type, condition.Type, StringComparison.Ordinal));
        if (index < 0)
        {
            status.Conditions.Add(condition with { LastTransitionTime = clock.GetUtcNow() });
            return true;
        }

        var current = status.Conditions[index];
        var next = condition with
        {
            LastTransitionTime = current.Status == condition.Status ? current.LastTransitionTime : clock.GetUtcNow(),
        };
        if (next == current)
        {
            return false;
        }

        status.Conditions[index] = next;
        return true;
    }

    /// <summary>Removes the condition of the given type; true when one was there.</summary>
    public static bool RemoveCondition(this IConditionedStatus status, string type) =>
        status.Conditions?.RemoveAll(c => string.Equals(c.Type, type, StringComparison.Ordinal)) > 0;
}
