using System.Net;
using System.Net.Sockets;
using Orchestrator.Media.Sip.Messages;

namespace Orchestrator.Media.Sip.Transport;

/// <summary>
/// SIP over UDP: one socket and one receive thread; a datagram is one message. The thread parses
/// and dispatches each datagram without waiting for the handler's asynchronous part, so one slow
/// send or a burst of junk never stops the reading, and the socket's receive buffer is large
/// (<see cref="DefaultReceiveBufferBytes"/>) so a burst or a GC pause fills the buffer instead of
/// dropping datagrams the transaction layer would then have to retransmit.
/// </summary>
public sealed class SipUdpChannel : ISipChannel
{
    /// <summary>4 MB; Linux caps it at <c>net.core.rmem_max</c> (and then doubles it for bookkeeping).</summary>
    public const int DefaultReceiveBufferBytes = 4 * 1024 * 1024;

    private readonly Socket _socket;
    private Thread? _receiver;
    private volatile bool _stopped;

    public SipUdpChannel(IPEndPoint bind, string? advertisedHost = null, int? advertisedPort = null,
        int receiveBufferBytes = DefaultReceiveBufferBytes)
    {
        _socket = new Socket(bind.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            _socket.ReceiveBufferSize = receiveBufferBytes;
            _socket.SendBufferSize = Math.Min(receiveBufferBytes, 1024 * 1024);
        }
        catch (SocketException)
        {
            // A kernel that refuses the size keeps its default; the transaction timers cover loss.
        }
        // Wakes the receive thread now and then so that disposal never depends on the close waking a blocked read.
        _socket.ReceiveTimeout = 500;
        _socket.Bind(bind);
        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        AdvertisedHost = advertisedHost ?? LocalEndPoint.Address.ToString();
        AdvertisedPort = advertisedPort ?? LocalEndPoint.Port;
    }

    public SipTransportKind Kind => SipTransportKind.Udp;
    public bool IsReliable => false;
    public IPEndPoint LocalEndPoint { get; }
    public string AdvertisedHost { get; }
    public int AdvertisedPort { get; }
    public Func<SipInbound, ValueTask>? MessageReceived { get; set; }
    public Action<string, IPEndPoint>? Malformed { get; set; }

    /// <summary>The receive buffer the kernel granted, in bytes.</summary>
    public int ReceiveBufferBytes => _socket.ReceiveBufferSize;

    public void Start()
    {
        if (_receiver is not null) return;
        _receiver = new Thread(ReceiveLoop) { IsBackground = true, Name = "sip-udp-receive", Priority = ThreadPriority.AboveNormal };
        _receiver.Start();
    }

    /// <summary>Sends at once: a UDP send does not wait on the peer, so the ValueTask is always complete.</summary>
    public ValueTask SendAsync(byte[] data, IPEndPoint remote, CancellationToken cancellationToken = default)
    {
        try
        {
            _socket.SendTo(data, SocketFlags.None, remote);
        }
        catch (SocketException)
        {
            // ICMP errors and full buffers are routine on UDP; the transaction timers deal with loss.
        }
        catch (ObjectDisposedException)
        {
        }
        return ValueTask.CompletedTask;
    }

    private void ReceiveLoop()
    {
        var buffer = GC.AllocateUninitializedArray<byte>(SipParser.MaxMessageBytes + 1);
        var address = new SocketAddress(_socket.AddressFamily);
        IPEndPoint? lastRemote = null;
        SocketAddress? lastAddress = null;
        while (!_stopped)
        {
            int length;
            try
            {
                length = _socket.ReceiveFrom(buffer, SocketFlags.None, address);
            }
            catch (SocketException)
            {
                if (_stopped) break;
                continue; // Linux reports ICMP port-unreachable on the next receive; routine on UDP.
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            // Peers are few (a trunk, a proxy): reuse the endpoint object while the sender repeats.
            if (lastAddress is null || !lastAddress.Equals(address))
            {
                lastRemote = (IPEndPoint)LocalEndPoint.Create(address);
                lastAddress = new SocketAddress(address.Family, address.Size);
                address.Buffer.Span.CopyTo(lastAddress.Buffer.Span);
            }
            Dispatch(buffer.AsSpan(0, length), lastRemote!);
        }
    }

    private void Dispatch(ReadOnlySpan<byte> datagram, IPEndPoint remote)
    {
        try
        {
            if (!SipParser.TryParse(datagram, out var message, out var error))
            {
                if (datagram.Length > 4) Malformed?.Invoke(error, remote); // bare CRLF keep-alives are not worth a report
                return;
            }
            if (MessageReceived is not { } handler) return;
            var pending = handler(new SipInbound(message, remote));
            if (!pending.IsCompletedSuccessfully) _ = ObserveAsync(pending, remote);
        }
        catch (Exception ex)
        {
            // A bug handling one datagram must not stop the transport for every call.
            Malformed?.Invoke("handler failed: " + ex.Message, remote);
        }
    }

    private async Task ObserveAsync(ValueTask pending, IPEndPoint remote)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Malformed?.Invoke("handler failed: " + ex.Message, remote);
        }
    }

    public ValueTask DisposeAsync()
    {
        _stopped = true;
        _socket.Dispose();
        if (_receiver is not null && _receiver != Thread.CurrentThread) _receiver.Join(TimeSpan.FromSeconds(2));
        return ValueTask.CompletedTask;
    }
}
