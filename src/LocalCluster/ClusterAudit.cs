using System.Collections.Concurrent;

namespace Flywheel.ApiServer;

/// <summary>
/// One request the API server answered: who asked (the bearer token the client sent, the identity a
/// kubeconfig or service account gives, or <c>anonymous</c>), with which verb, for which resource.
/// </summary>
public sealed record ApiCall(string User, string Verb, string Group, string Resource, string? Subresource, string? Namespace)
{
    /// <summary><c>resource</c> or <c>resource/subresource</c>, as RBAC rules name them.</summary>
    public string RbacResource => Subresource is null ? Resource : $"{Resource}/{Subresource}";
}

/// <summary>
/// The audit trail of resource requests, so that tests can check a client's calls against the RBAC
/// rules it will run under. Bounded: the oldest entries go first.
/// </summary>
public sealed class ClusterAudit
{
    private const int Capacity = 200_000;
    private readonly ConcurrentQueue<ApiCall> _calls = new();

    /// <summary>Every call recorded so far, oldest first.</summary>
    public IReadOnlyList<ApiCall> Calls => [.. _calls];

    /// <summary>The distinct calls one user made.</summary>
    public IReadOnlyList<ApiCall> By(string user) => [.. _calls.Where(c => c.User == user).Distinct()];

    internal void Record(ApiCall call)
    {
        _calls.Enqueue(call);
        while (_calls.Count > Capacity && _calls.TryDequeue(out _))
        {
        }
    }
}
