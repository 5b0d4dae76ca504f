using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Orchestrator.Media.Codecs;
using Orchestrator.Media.Sdp;
using Orchestrator.Media.Transport;

namespace Orchestrator.Media.Rtp;

/// <summary>
/// Plain RTP over UDP for a SIP call: one socket, a 20 ms send clock that packetises queued PCM
/// (or silence) with the negotiated G.711 codec and interleaves RFC 4733 digits, and a receive loop
/// that feeds the jitter buffer and raises decoded 8 kHz PCM frames. Thread-safe.
/// </summary>
public sealed class RtpSession : IAsyncDisposable
{
    private const int FrameMs = 20;

    private readonly Socket _socket;
    private readonly RtpSessionOptions _options;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<short[]> _outgoing = new();
    private readonly ConcurrentQueue<(char Digit, int DurationMs)> _digits = new();
    private readonly object _receiveGate = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private short[] _partial = [];
    private JitterBuffer _jitter;
    private IAudioCodec? _codec;
    private RtpPacketizer? _packetizer;
    private DtmfReceiver? _dtmfReceiver;
    private IPEndPoint? _remote;
    private RtpAvpNegotiation? _negotiation;
    private Task? _sendLoop;
    private Task? _receiveLoop;
    private long _packetsSent, _packetsReceived, _bytesReceived, _framesDecoded, _audioSamplesSent;

    private RtpSession(Socket socket, RtpSessionOptions options)
    {
        _socket = socket;
        _options = options;
        _jitter = new JitterBuffer(options.JitterBuffer);
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
    }

    public IPEndPoint LocalEndPoint { get; }
    public IPEndPoint? RemoteEndPoint => _remote;
    public RtpAvpNegotiation? Negotiation => _negotiation;
    public long PacketsSent => Interlocked.Read(ref _packetsSent);
    public long PacketsReceived => Interlocked.Read(ref _packetsReceived);
    public long BytesReceived => Interlocked.Read(ref _bytesReceived);
    public long FramesDecoded => Interlocked.Read(ref _framesDecoded);

    /// <summary>Samples of queued audio sent so far (silence padding and idle silence not counted): a playback position.</summary>
    public long AudioSamplesSent => Interlocked.Read(ref _audioSamplesSent);

    /// <summary>Decoded audio, one packet's worth (usually 160 samples at 8 kHz), in playout order.</summary>
    public event Action<short[]>? AudioReceived;

    public event Action<char>? DtmfReceived;

    /// <summary>Binds a socket on an even port of the configured range (or any port).</summary>
    public static RtpSession Open(RtpSessionOptions? options = null)
    {
        options ??= new RtpSessionOptions();
        if (options.PortMin <= 0)
            return new RtpSession(Bind(options.BindAddress, 0)!, options);
        int first = options.PortMin + (options.PortMin & 1);
        int slots = Math.Max(1, (options.PortMax - first) / 2 + 1);
        int start = Random.Shared.Next(slots);
        for (int n = 0; n < slots; n++)
        {
            int port = first + 2 * ((start + n) % slots);
            if (Bind(options.BindAddress, port) is { } socket) return new RtpSession(socket, options);
        }
        throw new IOException($"no free RTP port in {options.PortMin}-{options.PortMax}");
    }

    private static Socket? Bind(IPAddress address, int port)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(new IPEndPoint(address, port));
            return socket;
        }
        catch (SocketException) when (port != 0)
        {
            socket.Dispose();
            return null;
        }
    }

    /// <summary>
    /// Starts (or re-targets, for a re-INVITE or 183 → 200) the media with the negotiated codec and
    /// remote address. Switching codec restarts the outgoing stream's packetiser.
    /// </summary>
    public void Start(RtpAvpNegotiation negotiation)
    {
        lock (_receiveGate)
        {
            bool codecChanged = _negotiation?.Codec.PayloadType != negotiation.Codec.PayloadType;
            _negotiation = negotiation;
            _remote = negotiation.Remote;
            if (codecChanged)
            {
                _codec?.Dispose();
                _codec = negotiation.Codec.Name == "PCMA" ? new PcmaCodec() : new PcmuCodec();
                _packetizer = RtpPacketizer.For20MsFrames((byte)negotiation.Codec.PayloadType, 8000);
            }
            _dtmfReceiver = negotiation.TelephoneEventPayloadType is int te ? new DtmfReceiver((byte)te) : null;
        }
        _receiveLoop ??= Task.Run(ReceiveLoopAsync);
        _sendLoop ??= Task.Run(SendLoopAsync);
    }

    /// <summary>Queues 8 kHz mono PCM to send; it goes out in 20 ms frames at real-time pace.</summary>
    public void SendAudio(ReadOnlySpan<short> pcm)
    {
        for (int offset = 0; offset < pcm.Length; offset += 160)
            _outgoing.Enqueue(pcm.Slice(offset, Math.Min(160, pcm.Length - offset)).ToArray());
    }

    /// <summary>Samples queued and not yet sent.</summary>
    public int PendingSamples => _outgoing.Sum(f => f.Length) + _partial.Length;

    /// <summary>Drops queued audio (barge-in).</summary>
    public void ClearAudio()
    {
        while (_outgoing.TryDequeue(out _)) { }
        _partial = [];
    }

    /// <summary>Queues an RFC 4733 digit; needs telephone-event in the negotiation.</summary>
    public void SendDtmf(char digit, int durationMs = 100)
    {
        if (!TelephoneEvent.TryGetEventCode(digit, out _)) throw new ArgumentException($"'{digit}' is not a DTMF digit", nameof(digit));
        _digits.Enqueue((digit, durationMs));
    }

    private async Task SendLoopAsync()
    {
        var buffer = new byte[1500];
        long frame = 0;
        long startMs = _clock.ElapsedMilliseconds;
        var pending = new Queue<RtpPacket>();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                // Absolute schedule: each frame is due at start + n·20 ms, so delays never accumulate.
                long due = startMs + frame * FrameMs;
                long wait = due - _clock.ElapsedMilliseconds;
                if (wait > 0) await Task.Delay((int)wait, _stop.Token).ConfigureAwait(false);
                else if (wait < -5 * FrameMs)
                {
                    // Stalled (GC, overloaded box): skip ahead instead of bursting.
                    frame = (_clock.ElapsedMilliseconds - startMs) / FrameMs;
                }
                frame++;
                ReleaseReceived();

                IPEndPoint? remote;
                RtpPacket? packet = null;
                lock (_receiveGate)
                {
                    remote = _remote;
                    if (_packetizer is null || _codec is null || remote is null || _negotiation is null) continue;
                    if (pending.Count == 0 && _digits.TryDequeue(out var d) && _negotiation.TelephoneEventPayloadType is int te)
                        foreach (var p in DtmfSender.CreatePackets(_packetizer, (byte)te, d.Digit, d.DurationMs)) pending.Enqueue(p);
                    if (pending.Count > 0)
                    {
                        packet = pending.Dequeue();
                        // The three end packets go together (RFC 4733 §2.5.1.4 redundancy).
                        while (pending.Count > 0 && pending.Count < DtmfSender.EndRepeats) Send(pending.Dequeue(), remote, buffer);
                    }
                    else if (NextFrame() is { } pcm)
                        packet = _packetizer.Packetize(_codec.Encode(pcm));
                    else if (_options.SendSilenceWhenIdle)
                        packet = _packetizer.Packetize(_codec.Encode(new short[160]));
                    else
                    {
                        _packetizer.Skip(160);
                        _packetizer.StartTalkspurt();
                    }
                }
                if (packet is not null) Send(packet, remote, buffer);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Send(RtpPacket packet, IPEndPoint remote, byte[] buffer)
    {
        int length = packet.WriteTo(buffer);
        try
        {
            _socket.SendTo(buffer.AsSpan(0, length), SocketFlags.None, remote);
            Interlocked.Increment(ref _packetsSent);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private short[]? NextFrame()
    {
        var frame = new List<short>(160);
        frame.AddRange(_partial);
        _partial = [];
        while (frame.Count < 160 && _outgoing.TryDequeue(out var chunk)) frame.AddRange(chunk);
        if (frame.Count == 0) return null;
        if (frame.Count > 160)
        {
            _partial = frame.Skip(160).ToArray();
            frame.RemoveRange(160, frame.Count - 160);
        }
        Interlocked.Add(ref _audioSamplesSent, frame.Count);
        while (frame.Count < 160) frame.Add(0);
        return frame.ToArray();
    }

    private Task ReceiveLoopAsync() => UdpReceiveLoop.RunAsync(_socket, 2048, (datagram, source) =>
    {
        OnDatagram(datagram.AsSpan(), source);
        return ValueTask.CompletedTask;
    }, onSocketError: null, _stop.Token);

    private void OnDatagram(ReadOnlySpan<byte> data, IPEndPoint source)
    {
        // RTCP on the RTP port (rtcp-mux peers) is ignored; only RTP is played.
        if (!RtpPacket.LooksLikeRtp(data) || data[1] is >= 192 and <= 223) return;
        if (!RtpPacket.TryParse(data, out var packet, out _)) return;
        Interlocked.Increment(ref _packetsReceived);
        Interlocked.Add(ref _bytesReceived, packet.Payload.Length);
        char? digit = null;
        lock (_receiveGate)
        {
            if (_options.LatchToSource && !source.Equals(_remote)) _remote = source;
            if (_dtmfReceiver is not null && packet.PayloadType == _dtmfReceiver.PayloadType)
                digit = _dtmfReceiver.Process(packet);
            else if (_negotiation is not null && packet.PayloadType == _negotiation.Codec.PayloadType)
                _jitter.Add(packet, _clock.ElapsedMilliseconds);
        }
        if (digit is char c) DtmfReceived?.Invoke(c);
        ReleaseReceived();
    }

    private void ReleaseReceived()
    {
        List<short[]> frames;
        lock (_receiveGate)
        {
            if (_codec is null || _jitter.Count == 0) return;
            var ready = _jitter.TakeReady(_clock.ElapsedMilliseconds);
            frames = new List<short[]>(ready.Count);
            foreach (var p in ready) frames.Add(_codec.Decode(p.Payload));
        }
        foreach (var pcm in frames)
        {
            Interlocked.Increment(ref _framesDecoded);
            AudioReceived?.Invoke(pcm);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _socket.Dispose();
        try
        {
            if (_sendLoop is not null) await _sendLoop.ConfigureAwait(false);
            if (_receiveLoop is not null) await _receiveLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        lock (_receiveGate) _codec?.Dispose();
        _stop.Dispose();
    }
}
