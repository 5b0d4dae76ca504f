using System.Net;
using System.Net.Sockets;

namespace Orchestrator.Media.Transport;

/// <summary>
/// Reads datagrams from a UDP socket until stopped or disposed. A socket error on one receive
/// (Linux reports ICMP port-unreachable that way) is routine on UDP and does not end the loop.
/// The buffer is reused: a handler must copy what it keeps.
/// </summary>
public static class UdpReceiveLoop
{
    public static async Task RunAsync(Socket socket, int bufferSize,
        Func<ArraySegment<byte>, IPEndPoint, ValueTask> onDatagram, Action? onSocketError, CancellationToken stop)
    {
        var buffer = GC.AllocateUninitializedArray<byte>(bufferSize);
        IPEndPoint local;
        try
        {
            local = (IPEndPoint)socket.LocalEndPoint!;
        }
        catch (ObjectDisposedException)
        {
            return; // disposed before the loop got its first turn: nothing to read
        }
        EndPoint any = new IPEndPoint(local.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!stop.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) { break; }
            catch (ObjectDisposedException) { break; }
            catch (SocketException)
            {
                onSocketError?.Invoke();
                continue;
            }
            await onDatagram(new ArraySegment<byte>(buffer, 0, received.ReceivedBytes), (IPEndPoint)received.RemoteEndPoint)
                .ConfigureAwait(false);
        }
    }
}
