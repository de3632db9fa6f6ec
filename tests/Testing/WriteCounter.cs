using System.Collections.Concurrent;

namespace Flywheel.Testing;

/// <summary>Counts a client's requests that change something (every verb but GET), as the API server would see them.</summary>
public sealed class WriteCounter : DelegatingHandler
{
    private readonly ConcurrentQueue<string> _log = new();
    private int _writes;

    public int Writes => Volatile.Read(ref _writes);

    /// <summary>Each write as "METHOD path?query", in order.</summary>
    public IReadOnlyList<string> Log => [.. _log];

    public void Reset()
    {
        Interlocked.Exchange(ref _writes, 0);
        _log.Clear();
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method != HttpMethod.Get)
        {
            Interlocked.Increment(ref _writes);
            _log.Enqueue($"{request.Method} {request.RequestUri?.PathAndQuery}");
        }

        return base.SendAsync(request, cancellationToken);
    }
}
