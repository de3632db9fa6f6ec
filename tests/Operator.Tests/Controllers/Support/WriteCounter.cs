namespace Flywheel.Operator.Tests.Controllers.Support;

/// <summary>Counts the requests that change something (every verb but GET), as the API server would see them.</summary>
internal sealed class WriteCounter : DelegatingHandler
{
    private int _writes;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _log = new();

    public int Writes => Volatile.Read(ref _writes);

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
