using System.Net;
using System.Net.Sockets;

namespace Orchestrator.Cluster.Tests.Infrastructure;

/// <summary>
/// A TCP port free on loopback right now. Nodes of a cluster need fixed ports known in advance (the
/// seed list names them), so port 0 cannot be used there; the port is released just before the
/// node binds it.
/// </summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
