using System.Net;
using System.Net.Sockets;

namespace DrPortal.Tests.Support;

/// <summary>A loopback TCP port nothing listens on right now (the system picks it).</summary>
public static class FreePort
{
    public static int Next()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
