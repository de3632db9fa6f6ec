using System.Net.Sockets;
using k8s.Models;

namespace Flywheel.ApiServer.Node;

/// <summary>
/// Runs one probe of a container on its schedule (initialDelaySeconds, periodSeconds, timeoutSeconds) and
/// turns results into a verdict with successThreshold / failureThreshold, as the kubelet's prober does.
/// httpGet (2xx/3xx is success) and tcpSocket target the pod's IP; exec probes are not run and count as success.
/// </summary>
internal sealed class Prober(HttpClient http, V1Probe probe, V1Container container, string podIp)
{
    /// <summary>Probes until cancelled, calling <paramref name="verdict"/> whenever the thresholds flip it.</summary>
    public async Task RunAsync(Action<bool> verdict, CancellationToken cancellationToken)
    {
        var successes = 0;
        var failures = 0;
        bool? state = null;
        var success = probe.SuccessThreshold ?? 1;
        var failure = probe.FailureThreshold ?? 3;
        await Task.Delay(TimeSpan.FromSeconds(probe.InitialDelaySeconds ?? 0), cancellationToken);
        while (!cancellationToken.IsCancellationRequested)
        {
            if (await ProbeOnceAsync(cancellationToken))
            {
                successes++;
                failures = 0;
                if (successes >= success && state != true)
                {
                    state = true;
                    verdict(true);
                }
            }
            else
            {
                failures++;
                successes = 0;
                if (failures >= failure && state != false)
                {
                    state = false;
                    verdict(false);
                }
            }

            await Task.Delay(TimeSpan.FromSeconds(Math.Max(1, probe.PeriodSeconds ?? 10)), cancellationToken);
        }
    }

    private async Task<bool> ProbeOnceAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(Math.Max(1, probe.TimeoutSeconds ?? 1)));
        try
        {
            if (probe.HttpGet is { } get)
            {
                var scheme = string.Equals(get.Scheme, "HTTPS", StringComparison.OrdinalIgnoreCase) ? "https" : "http";
                var path = string.IsNullOrEmpty(get.Path) ? "/" : get.Path.StartsWith('/') ? get.Path : "/" + get.Path;
                using var request = new HttpRequestMessage(HttpMethod.Get, $"{scheme}://{get.Host ?? podIp}:{Port(get.Port)}{path}");
                foreach (var header in get.HttpHeaders ?? [])
                {
                    request.Headers.TryAddWithoutValidation(header.Name, header.Value);
                }

                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                return (int)response.StatusCode is >= 200 and < 400;
            }

            if (probe.TcpSocket is { } tcp)
            {
                using var socket = new TcpClient();
                await socket.ConnectAsync(tcp.Host ?? podIp, Port(tcp.Port), timeout.Token);
                return true;
            }

            return true;
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or InvalidOperationException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }

    /// <summary>A number, or the name of one of the container's ports.</summary>
    private int Port(IntOrString port)
    {
        if (int.TryParse(port.Value, System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        return container.Ports?.FirstOrDefault(p => p.Name == port.Value)?.ContainerPort
            ?? throw new InvalidOperationException($"probe port \"{port.Value}\" names no port of container \"{container.Name}\"");
    }
}
