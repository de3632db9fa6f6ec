using Flywheel.Operator.Api.V1Alpha1;
using Flywheel.Operator.Runtime;
using Flywheel.Operator.Runtime.Controllers;
using Flywheel.Operator.Runtime.Informers;

namespace Flywheel.Operator.Controllers.ModelDeployments;

/// <summary>
/// How a change of a Model reaches the ModelDeployments that serve it: a promotion wakes them at once instead of at
/// their next planned re-check.
/// </summary>
public static class ModelWatch
{
    /// <summary>The ModelDeployments in the Model's namespace whose <c>spec.modelRef</c> names it.</summary>
    public static IEnumerable<ObjectKey> DeploymentsOf(Model model, ControllerCache<ModelDeployment> deployments)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(deployments);
        var ns = model.Metadata?.NamespaceProperty ?? string.Empty;
        var name = model.Metadata?.Name;
        return deployments.List(ns)
            .Where(d => string.Equals(d.Spec?.ModelRef?.Name, name, StringComparison.Ordinal))
            .Select(ObjectKey.From)
            .ToList();
    }

    /// <summary>
    /// True for a change a ModelDeployment acts on: the Model appeared or went away, its promoted version moved, or
    /// the list of kept versions changed (a pinned version may have appeared or been pruned). Conditions, metrics and
    /// the progress of training do not change what is served.
    /// </summary>
    public static bool ChangesWhatIsServed(ResourceEvent<Model> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Type != ResourceEventType.Modified || change.Old is not { } old)
        {
            return true;
        }

        var now = change.Object.Status;
        return !string.Equals(old.Status?.PromotedVersion, now?.PromotedVersion, StringComparison.Ordinal)
            || !KeptVersions(old.Status).SequenceEqual(KeptVersions(now), StringComparer.Ordinal);
    }

    private static IEnumerable<string> KeptVersions(ModelStatus? status) => status?.Versions?.Select(v => v.Version) ?? [];
}
