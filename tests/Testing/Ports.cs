using System.Net;
using System.Net.Sockets;

namespace Flywheel.Testing;

/// <summary>Loopback ports for the servers a test starts.</summary>
public static class Ports
{
    /// <summary>
    /// A loopback port the OS reported free a moment ago (it picks one for port 0); another process may still take it
    /// before the caller binds it.
    /// </summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
