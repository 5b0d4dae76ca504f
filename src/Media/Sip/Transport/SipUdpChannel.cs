using System.Net;
using System.Net.Sockets;
using Orchestrator.Media.Sip.Messages;
using Orchestrator.Media.Transport;

namespace Orchestrator.Media.Sip.Transport;

/// <summary>SIP over UDP: one socket, one receive loop; a datagram is one message.</summary>
public sealed class SipUdpChannel : ISipChannel
{
    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public SipUdpChannel(IPEndPoint bind, string? advertisedHost = null, int? advertisedPort = null)
    {
        _socket = new Socket(bind.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
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

    public void Start() => _loop ??= Task.Run(ReceiveLoopAsync);

    public async ValueTask SendAsync(byte[] data, IPEndPoint remote, CancellationToken cancellationToken = default)
    {
        try
        {
            await _socket.SendToAsync(data, SocketFlags.None, remote, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException)
        {
            // ICMP errors and full buffers are routine on UDP; the transaction timers deal with loss.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private Task ReceiveLoopAsync() => UdpReceiveLoop.RunAsync(_socket, 65536, async (datagram, remote) =>
    {
        if (!SipParser.TryParse(datagram.AsSpan(), out var message, out var error))
        {
            if (datagram.Count > 4) Malformed?.Invoke(error, remote); // bare CRLF keep-alives are not worth a report
            return;
        }
        try
        {
            if (MessageReceived is { } handler) await handler(new SipInbound(message, remote)).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // A bug handling one message must not stop the transport for every call.
            Malformed?.Invoke("handler failed: " + ex.Message, remote);
        }
    }, onSocketError: null, _stop.Token);

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _socket.Dispose();
        if (_loop is not null) await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
