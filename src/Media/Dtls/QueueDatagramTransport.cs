using System.Collections.Concurrent;
using Org.BouncyCastle.Tls;

namespace Orchestrator.Media.Dtls;

/// <summary>
/// A BouncyCastle <see cref="DatagramTransport"/> fed by the call's socket loop: DTLS datagrams
/// (first byte 20–63) are <see cref="Enqueue"/>d, and whatever DTLS sends goes to the callback
/// (which writes to the selected ICE remote). Receive blocks the handshake thread, never the caller's.
/// </summary>
public sealed class QueueDatagramTransport : DatagramTransport
{
    /// <summary>Typical path MTU budget for WebRTC: 1200 bytes of UDP payload is safe everywhere.</summary>
    public const int DefaultMtu = 1200;

    private readonly BlockingCollection<byte[]> _incoming = new(new ConcurrentQueue<byte[]>(), boundedCapacity: 256);
    private readonly Action<byte[]> _send;
    private readonly int _mtu;
    private volatile bool _closed;

    public QueueDatagramTransport(Action<byte[]> send, int mtu = DefaultMtu)
    {
        _send = send;
        _mtu = mtu;
    }

    public bool IsClosed => _closed;

    /// <summary>Hands a received datagram to DTLS; dropped when the queue is full or closed, as UDP would.</summary>
    public bool Enqueue(ReadOnlySpan<byte> datagram) => !_closed && _incoming.TryAdd(datagram.ToArray());

    public int GetReceiveLimit() => 1500;

    public int GetSendLimit() => _mtu;

    public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);

    public int Receive(Span<byte> buffer, int waitMillis)
    {
        if (_closed) throw new TlsTimeoutException("transport closed");
        try
        {
            // -1 tells BouncyCastle "nothing yet"; it then retransmits its last flight as needed.
            if (!_incoming.TryTake(out var datagram, Math.Max(waitMillis, 0))) return _closed ? throw new TlsTimeoutException("transport closed") : -1;
            int length = Math.Min(datagram.Length, buffer.Length);
            datagram.AsSpan(0, length).CopyTo(buffer);
            return length;
        }
        catch (ObjectDisposedException)
        {
            throw new TlsTimeoutException("transport closed");
        }
    }

    public void Send(byte[] buf, int off, int len) => Send(buf.AsSpan(off, len));

    public void Send(ReadOnlySpan<byte> buffer)
    {
        if (_closed) return;
        _send(buffer.ToArray());
    }

    public void Close()
    {
        if (_closed) return;
        _closed = true;
        _incoming.CompleteAdding();
    }
}
