using Flywheel.ApiServer.Storage;

namespace Flywheel.ApiServer;

/// <summary>
/// Fault injection for reliability tests: make the next requests that match a verb and resource fail with a
/// status code, or cut every open watch so that clients must resume or re-list.
/// </summary>
public sealed class ClusterFaults
{
    private readonly Lock _gate = new();
    private readonly List<Rule> _rules = [];
    private readonly ObjectStore _store;

    internal ClusterFaults(ObjectStore store) => _store = store;

    /// <summary>
    /// Fails the next <paramref name="count"/> requests whose verb (get, list, watch, create, update, patch,
    /// delete, deletecollection, or <c>*</c>) and resource (plural such as <c>leases</c>, optionally with a
    /// subresource like <c>models/status</c>, or <c>*</c>) match, answering <paramref name="statusCode"/>
    /// with a Kubernetes Status body.
    /// </summary>
    public void FailNext(string verb, string resource, int count = 1, int statusCode = 500)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (statusCode is < 400 or > 599)
        {
            throw new ArgumentOutOfRangeException(nameof(statusCode), statusCode, "a fault must be an error status (400-599)");
        }

        lock (_gate)
        {
            _rules.Add(new Rule(verb, resource, statusCode) { Remaining = count });
        }
    }

    /// <summary>Ends every open client watch now; returns how many were cut.</summary>
    public int DropWatches() => _store.DropWatches();

    /// <summary>Removes every pending fault.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _rules.Clear();
        }
    }

    /// <summary>How many injected failures are still pending.</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _rules.Sum(r => r.Remaining);
            }
        }
    }

    internal int? Take(string verb, string resource, string? subresource)
    {
        lock (_gate)
        {
            foreach (var rule in _rules)
            {
                if ((rule.Verb == "*" || rule.Verb == verb) && Matches(rule.Resource, resource, subresource))
                {
                    rule.Remaining--;
                    if (rule.Remaining == 0)
                    {
                        _rules.Remove(rule);
                    }

                    return rule.StatusCode;
                }
            }

            return null;
        }
    }

    private static bool Matches(string pattern, string resource, string? subresource) =>
        pattern == "*" || pattern == (subresource is null ? resource : $"{resource}/{subresource}") || (subresource is null && pattern == resource);

    private sealed record Rule(string Verb, string Resource, int StatusCode)
    {
        public int Remaining { get; set; }
    }
}
