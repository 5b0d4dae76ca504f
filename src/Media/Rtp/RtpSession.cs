using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Orchestrator.Media.Codecs;
using Orchestrator.Media.Sdp;
using Orchestrator.Media.Transport;
using Orchestrator.Media.WebRtc;

namespace Orchestrator.Media.Rtp;

/// <summary>
/// Plain RTP over UDP for a SIP call: one socket and its receive loop, and a tick on one thread of
/// the shared <see cref="MediaTickScheduler"/> that paces queued PCM (or silence) out in 20 ms
/// frames with the negotiated G.711 codec, interleaves RFC 4733 digits, and releases received audio
/// from the jitter buffer, so <see cref="AudioReceived"/> always comes from that one thread, in
/// order. The paced path writes into reused buffers: nothing is allocated per packet sent.
/// Thread-safe.
/// </summary>
public sealed class RtpSession : IAsyncDisposable
{
    private const int FrameSamples = 160; // on the wire: 20 ms of G.711 at 8 kHz
    private static readonly TimeSpan FrameDuration = TimeSpan.FromMilliseconds(20);

    private readonly Socket _socket;
    private readonly RtpSessionOptions _options;
    private readonly CancellationTokenSource _stop = new();
    private readonly PlaybackQueue _playback;
    private readonly ConcurrentQueue<(char Digit, int DurationMs)> _digits = new();
    private readonly object _receiveGate = new();
    private readonly object _sendGate = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ReceivedAudio _received;
    private readonly Action<RtpPacket> _deliver;

    // Send side, under _sendGate (the tick, Start, Dispose).
    private readonly byte[] _sendBuffer = new byte[1500];
    private readonly byte[] _payload = new byte[FrameSamples];
    private readonly byte[] _silence = new byte[FrameSamples];
    private readonly Queue<RtpPacket> _pendingDtmf = new();
    private readonly FramePacer _pacer = new(FrameDuration, maxBurst: 5);
    private TimeSpan _pacerOrigin;
    private bool _idle = true;
    private bool _alaw;
    private IAudioCodec? _codec;
    private RtpPacketizer? _packetizer;
    private readonly Resampler? _toWire, _fromWire; // only when the PCM rate is not 8 kHz
    private readonly short[] _wireFrame = new short[FrameSamples];
    private IDisposable? _tick;
    private bool _disposed;

    // Receive side, under _receiveGate.
    private DtmfReceiver? _dtmfReceiver;
    private IPEndPoint? _remote;
    private RtpAvpNegotiation? _negotiation;
    private Task? _receiveLoop;
    private long _packetsSent, _packetsReceived, _bytesReceived, _framesDecoded;

    private RtpSession(Socket socket, RtpSessionOptions options)
    {
        _socket = socket;
        _options = options;
        PcmSampleRate = options.PcmSampleRate;
        _playback = new PlaybackQueue(PcmSampleRate / 50);
        if (PcmSampleRate != 8000)
        {
            _toWire = new Resampler(PcmSampleRate, 8000);
            _fromWire = new Resampler(8000, PcmSampleRate);
        }
        _received = new ReceivedAudio(options.JitterBuffer);
        _deliver = Deliver;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
    }

    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Rate of the PCM in <see cref="SendAudio"/> and <see cref="AudioReceived"/> (see <see cref="RtpSessionOptions.PcmSampleRate"/>).</summary>
    public int PcmSampleRate { get; }

    public IPEndPoint? RemoteEndPoint => _remote;
    public RtpAvpNegotiation? Negotiation => _negotiation;
    public long PacketsSent => Interlocked.Read(ref _packetsSent);
    public long PacketsReceived => Interlocked.Read(ref _packetsReceived);
    public long BytesReceived => Interlocked.Read(ref _bytesReceived);
    public long FramesDecoded => Interlocked.Read(ref _framesDecoded);

    /// <summary>Samples of queued audio sent so far (silence padding and idle silence not counted): a playback position.</summary>
    public long AudioSamplesSent => _playback.Sent;

    /// <summary>Frames the pacer dropped after the scheduler stalled (not sent late, not sent at all).</summary>
    public long FramesSkipped
    {
        get { lock (_sendGate) return _pacer.FramesSkipped; }
    }

    /// <summary>Decoded audio at <see cref="PcmSampleRate"/>, one packet's worth (20 ms), in playout order, from one thread.</summary>
    public event Action<short[]>? AudioReceived;

    public event Action<char>? DtmfReceived;

    /// <summary>Binds a socket on an even port of the configured range (or any port).</summary>
    public static RtpSession Open(RtpSessionOptions? options = null)
    {
        options ??= new RtpSessionOptions();
        if (options.PcmSampleRate is not (8000 or 16000))
            throw new ArgumentException($"PcmSampleRate must be 8000 or 16000, not {options.PcmSampleRate}", nameof(options));
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
        lock (_sendGate)
        {
            if (_disposed) return;
            lock (_receiveGate)
            {
                bool codecChanged = _negotiation?.Codec.PayloadType != negotiation.Codec.PayloadType;
                _negotiation = negotiation;
                _remote = negotiation.Remote;
                if (codecChanged)
                {
                    _codec?.Dispose();
                    _alaw = negotiation.Codec.Name == "PCMA";
                    _codec = _alaw ? new PcmaCodec() : new PcmuCodec();
                    _packetizer = RtpPacketizer.For20MsFrames((byte)negotiation.Codec.PayloadType, 8000);
                    // Digital silence, encoded once per codec rather than once per idle frame.
                    Encode(new short[FrameSamples], _silence);
                }
                _dtmfReceiver = negotiation.TelephoneEventPayloadType is int te ? new DtmfReceiver((byte)te) : null;
            }
            if (_tick is null)
            {
                _pacerOrigin = _clock.Elapsed;
                _tick = _options.Scheduler.Register(Tick);
            }
        }
        _receiveLoop ??= Task.Run(ReceiveLoopAsync);
    }

    /// <summary>Queues mono PCM at <see cref="PcmSampleRate"/> to send; it goes out in 20 ms frames at real-time pace.
    /// Returns the playback position (samples at that rate) where it ends, to compare with <see cref="AudioSamplesSent"/>.</summary>
    public long SendAudio(ReadOnlySpan<short> pcm) => _playback.Enqueue(pcm);

    /// <summary>Samples queued and not yet sent.</summary>
    public int PendingSamples => (int)_playback.Pending;

    /// <summary>Drops queued audio (barge-in); returns how many samples were dropped.</summary>
    public long ClearAudio() => _playback.Clear();

    /// <summary>Queues an RFC 4733 digit; needs telephone-event in the negotiation.</summary>
    public void SendDtmf(char digit, int durationMs = 100)
    {
        if (!TelephoneEvent.TryGetEventCode(digit, out _)) throw new ArgumentException($"'{digit}' is not a DTMF digit", nameof(digit));
        _digits.Enqueue((digit, durationMs));
    }

    /// <summary>On the scheduler thread: release received audio, then send the frames that are due.</summary>
    private void Tick()
    {
        lock (_sendGate)
        {
            if (_disposed || _packetizer is null) return;
            _received.Release(_clock.ElapsedMilliseconds, _deliver);
            var now = _clock.Elapsed;
            int due = _pacer.FramesDue(now - _pacerOrigin);
            if (due == 0 && _idle && !_options.SendSilenceWhenIdle && (_playback.Pending > 0 || !_digits.IsEmpty))
            {
                // A talkspurt after untransmitted silence goes out on this tick, not the idle grid's next slot.
                _pacer.Restart();
                _pacerOrigin = now;
                due = _pacer.FramesDue(TimeSpan.Zero);
            }
            IPEndPoint? remote;
            int? telephoneEvent;
            bool held;
            lock (_receiveGate)
            {
                remote = _remote;
                telephoneEvent = _negotiation?.TelephoneEventPayloadType;
                held = _negotiation is { PeerReceives: false };
            }
            if (remote is null) return;
            if (held)
            {
                // Nothing is sent while the peer holds the call, and playback waits rather than being
                // played to no one; the pacer restarts so the resume is not a burst of missed frames.
                _pacer.Restart();
                _pacerOrigin = now;
                return;
            }
            for (int i = 0; i < due; i++) SendOneFrame(remote, telephoneEvent);
        }
    }

    private void SendOneFrame(IPEndPoint remote, int? telephoneEvent)
    {
        var packetizer = _packetizer!;
        if (_pendingDtmf.Count == 0 && telephoneEvent is int te && _digits.TryDequeue(out var d))
            foreach (var p in DtmfSender.CreatePackets(packetizer, (byte)te, d.Digit, d.DurationMs)) _pendingDtmf.Enqueue(p);
        if (_pendingDtmf.Count > 0)
        {
            Send(_sendBuffer.AsSpan(0, _pendingDtmf.Dequeue().WriteTo(_sendBuffer)), remote);
            // The three end packets go together (RFC 4733 §2.5.1.4 redundancy).
            while (_pendingDtmf.Count > 0 && _pendingDtmf.Count < DtmfSender.EndRepeats)
                Send(_sendBuffer.AsSpan(0, _pendingDtmf.Dequeue().WriteTo(_sendBuffer)), remote);
            return;
        }
        if (_playback.TryDequeue(out var frame))
        {
            if (_idle && !_options.SendSilenceWhenIdle) packetizer.StartTalkspurt();
            _idle = false;
            Encode(ToWire(frame), _payload);
            Send(_sendBuffer.AsSpan(0, packetizer.WriteFrame(_payload, _sendBuffer)), remote);
        }
        else if (_options.SendSilenceWhenIdle)
        {
            Send(_sendBuffer.AsSpan(0, packetizer.WriteFrame(_silence, _sendBuffer)), remote);
        }
        else
        {
            packetizer.Skip(FrameSamples);
            _idle = true;
        }
    }

    /// <summary>One frame at the PCM rate → 160 samples at 8 kHz (on the tick, which owns the resampler).</summary>
    private ReadOnlySpan<short> ToWire(short[] frame)
    {
        if (_toWire is null) return frame;
        var wire = _toWire.Process(frame);
        int n = Math.Min(wire.Length, FrameSamples);
        wire.AsSpan(0, n).CopyTo(_wireFrame);
        _wireFrame.AsSpan(n).Clear();
        return _wireFrame;
    }

    private void Encode(ReadOnlySpan<short> pcm, Span<byte> destination)
    {
        if (_alaw) G711.ALawEncode(pcm, destination);
        else G711.MuLawEncode(pcm, destination);
    }

    private void Send(ReadOnlySpan<byte> datagram, IPEndPoint remote)
    {
        try
        {
            _socket.SendTo(datagram, SocketFlags.None, remote);
            Interlocked.Increment(ref _packetsSent);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
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
        bool audio = false;
        lock (_receiveGate)
        {
            if (_options.LatchToSource && !source.Equals(_remote)) _remote = source;
            if (_dtmfReceiver is not null && packet.PayloadType == _dtmfReceiver.PayloadType)
                digit = _dtmfReceiver.Process(packet);
            else audio = _negotiation is not null && packet.PayloadType == _negotiation.Codec.PayloadType;
        }
        if (audio) _received.Add(packet, _clock.ElapsedMilliseconds);
        if (digit is char c) DtmfReceived?.Invoke(c);
    }

    /// <summary>On the tick, under the send lock (which owns the codec).</summary>
    private void Deliver(RtpPacket packet)
    {
        if (_codec is not { } codec || packet.PayloadType != codec.PayloadType) return;
        // What a peer sends while it holds the call is music or silence, not the caller: unheard.
        if (_negotiation is { PeerReceives: false }) return;
        var pcm = codec.Decode(packet.Payload);
        if (_fromWire is not null) pcm = _fromWire.Process(pcm);
        Interlocked.Increment(ref _framesDecoded);
        AudioReceived?.Invoke(pcm);
    }

    public async ValueTask DisposeAsync()
    {
        lock (_sendGate)
        {
            if (_disposed) return;
            _disposed = true;
            _tick?.Dispose();
            _codec?.Dispose();
        }
        _stop.Cancel();
        _socket.Dispose();
        try
        {
            if (_receiveLoop is not null) await _receiveLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }
}
