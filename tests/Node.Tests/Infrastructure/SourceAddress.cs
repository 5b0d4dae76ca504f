using System.Net;
using System.Net.Sockets;

namespace Orchestrator.Node.Tests.Infrastructure;

/// <summary>
/// Connections from a chosen loopback address (all of 127.0.0.0/8 is loopback on Linux), so each
/// per-address limit test is its own client and cannot spend another test's allowance.
/// </summary>
public static class SourceAddress
{
    public static SocketsHttpHandler Handler(string localAddress) => new()
    {
        ConnectCallback = async (context, ct) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(IPAddress.Parse(localAddress), 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    public static HttpClient Client(TestNode node, string localAddress, string? bearer = null)
    {
        var client = new HttpClient(Handler(localAddress)) { BaseAddress = node.BaseAddress };
        if (bearer is not null) client.DefaultRequestHeaders.Authorization = new("Bearer", bearer);
        return client;
    }
}
