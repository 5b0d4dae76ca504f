using System.Net;
using System.Net.Sockets;

namespace Orchestrator.Media.Tests.Sip;

/// <summary>Free UDP ports on 127.0.0.1 for the SIP peers the tests start, which bind their media ports themselves.</summary>
public static class FreeUdpPorts
{
    /// <summary>
    /// An even port in [<paramref name="low"/>, <paramref name="low"/> + 2 × <paramref name="evenSlots"/>) with the
    /// <paramref name="count"/> ports from it free now (a peer's RTP, RTCP and spares). Bound and released to check,
    /// so another process may still take one before the peer does; random, so two tests rarely pick the same.
    /// </summary>
    public static int EvenRange(int low, int evenSlots, int count)
    {
        for (int attempt = 0; attempt < 100; attempt++)
        {
            int start = low + 2 * Random.Shared.Next(0, evenSlots);
            var sockets = new List<Socket>();
            try
            {
                for (int port = start; port < start + count; port++)
                {
                    var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                    sockets.Add(socket);
                    socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
                }
                return start;
            }
            catch (SocketException)
            {
            }
            finally
            {
                foreach (var socket in sockets) socket.Dispose();
            }
        }
        throw new InvalidOperationException($"no {count} free UDP ports from an even port in {low}-{low + 2 * evenSlots}");
    }
}
