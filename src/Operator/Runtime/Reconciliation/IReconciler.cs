using k8s;
using k8s.Models;

namespace Flywheel.Operator.Runtime.Reconciliation;

/// <summary>
/// Makes the world match one object's desired state. Called with the latest cached copy of the object;
/// level-triggered and idempotent: it must not depend on which change caused the call.
/// </summary>
/// <remarks>
/// Throwing retries the key with per-key exponential backoff; throwing <see cref="TerminalReconcileException"/>
/// (an invalid spec) does not retry until the object changes again.
/// </remarks>
public interface IReconciler<in TEntity> where TEntity : IKubernetesObject<V1ObjectMeta>
{
    Task<ReconcileResult> ReconcileAsync(TEntity entity, CancellationToken cancellationToken);
}
