namespace Flywheel.EndToEnd.Support;

/// <summary>Polls until a condition holds or a deadline passes; never a fixed sleep.</summary>
internal static class Eventually
{
    public static async Task<T> WaitAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        Exception? lastError = null;
        var last = default(T);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                last = await probe();
                if (done(last))
                {
                    return last;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                lastError = ex;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{what} did not happen within {timeout}; last value: {last}; last error: {lastError?.Message}");
    }
}
