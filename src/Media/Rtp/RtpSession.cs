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
/// RTCP (RFC 3550) has a second socket on the odd port above and goes out from the same tick every
/// <see cref="RtpSessionOptions.RtcpInterval"/>; RTCP arriving on the RTP port (rtcp-mux) is read
/// too. <see cref="RtcpReporter"/> holds what is reported. Thread-safe.
/// </summary>
public sealed class RtpSession : IAsyncDisposable
{
    private const int FrameSamples = 160; // on the wire: 20 ms of G.711 at 8 kHz
    private static readonly TimeSpan FrameDuration = TimeSpan.FromMilliseconds(20);

    private readonly Socket _socket;
    private readonly Socket _rtcpSocket;
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
    private bool _resumeTalkspurt; // the first packet after a hold carries the marker bit
    private bool _alaw;
    private IAudioCodec? _codec;
    private RtpPacketizer? _packetizer;
    private readonly Resampler? _toWire, _fromWire; // only when the PCM rate is not 8 kHz
    private readonly short[] _wireFrame = new short[FrameSamples];
    private IDisposable? _tick;
    private bool _disposed;
    private TimeSpan _nextRtcp;

    // Receive side, under _receiveGate.
    private DtmfReceiver? _dtmfReceiver;
    private IPEndPoint? _remote;
    private RtpAvpNegotiation? _negotiation;
    private Task? _receiveLoop, _rtcpReceiveLoop;
    private readonly RtcpReporter _rtcp = new();
    private IPEndPoint? _rtcpLatched; // where the peer's reports come from, which is where it reads ours
    private bool _rtcpLatchedToRtpPort;
    private long _packetsSent, _packetsReceived, _bytesReceived, _framesDecoded, _rtcpSent;

    private RtpSession(Socket socket, Socket rtcpSocket, RtpSessionOptions options)
    {
        _socket = socket;
        _rtcpSocket = rtcpSocket;
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
        LocalRtcpEndPoint = (IPEndPoint)rtcpSocket.LocalEndPoint!;
    }

    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Where the peer's RTCP is read besides <see cref="LocalEndPoint"/>: always its port + 1 (RFC 3550 §11).</summary>
    public IPEndPoint LocalRtcpEndPoint { get; }

    /// <summary>Rate of the PCM in <see cref="SendAudio"/> and <see cref="AudioReceived"/> (see <see cref="RtpSessionOptions.PcmSampleRate"/>).</summary>
    public int PcmSampleRate { get; }

    public IPEndPoint? RemoteEndPoint => _remote;
    public RtpAvpNegotiation? Negotiation => _negotiation;
    public long PacketsSent => Interlocked.Read(ref _packetsSent);
    public long PacketsReceived => Interlocked.Read(ref _packetsReceived);
    public long BytesReceived => Interlocked.Read(ref _bytesReceived);
    public long FramesDecoded => Interlocked.Read(ref _framesDecoded);

    /// <summary>Packet counts, loss and jitter both ways, and the round trip, as of now.</summary>
    public RtpCallStatistics Statistics
    {
        get
        {
            lock (_receiveGate) return _rtcp.Snapshot(PacketsSent, PacketsReceived, Interlocked.Read(ref _rtcpSent));
        }
    }

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

    /// <summary>The peer put the call on hold (true) or took it off (false), by the direction of its latest offer or answer.</summary>
    public event Action<bool>? HoldChanged;

    /// <summary>Binds an even port of the configured range (or one the OS picks) for RTP and the odd port above it for RTCP.</summary>
    public static RtpSession Open(RtpSessionOptions? options = null)
    {
        options ??= new RtpSessionOptions();
        if (options.PcmSampleRate is not (8000 or 16000))
            throw new ArgumentException($"PcmSampleRate must be 8000 or 16000, not {options.PcmSampleRate}", nameof(options));
        if (options.RtcpInterval <= TimeSpan.Zero)
            throw new ArgumentException($"RtcpInterval must be positive, not {options.RtcpInterval}", nameof(options));
        if (options.PortMin <= 0)
        {
            // The OS picks any port, odd half the time, or one whose neighbour is taken: ask again.
            for (int attempt = 0; attempt < 100; attempt++)
                if (BindPair(options.BindAddress, 0) is var (rtp, rtcp)) return new RtpSession(rtp, rtcp, options);
            throw new IOException("no free even/odd RTP/RTCP port pair from the OS");
        }
        int first = options.PortMin + (options.PortMin & 1);
        int slots = Math.Max(1, (options.PortMax - first) / 2 + 1);
        int start = Random.Shared.Next(slots);
        for (int n = 0; n < slots; n++)
        {
            int port = first + 2 * ((start + n) % slots);
            if (BindPair(options.BindAddress, port) is var (rtp, rtcp)) return new RtpSession(rtp, rtcp, options);
        }
        throw new IOException($"no free RTP port in {options.PortMin}-{options.PortMax}");
    }

    /// <summary>An even RTP port (0: the OS's choice, kept only if even) and the RTCP port above it, or null.</summary>
    private static (Socket Rtp, Socket Rtcp)? BindPair(IPAddress address, int port)
    {
        if (Bind(address, port) is not { } rtp) return null;
        int bound = ((IPEndPoint)rtp.LocalEndPoint!).Port;
        if ((bound & 1) == 0 && Bind(address, bound + 1) is { } rtcp) return (rtp, rtcp);
        rtp.Dispose();
        return null;
    }

    /// <summary>The peer's last offer or answer took its receiving side away (sendonly, inactive): it holds the call.</summary>
    private static bool PeerHolds(RtpAvpNegotiation? negotiation) => negotiation is { PeerReceives: false };

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
        bool? holdChanged = null;
        lock (_sendGate)
        {
            if (_disposed) return;
            lock (_receiveGate)
            {
                if (PeerHolds(_negotiation) != PeerHolds(negotiation)) holdChanged = PeerHolds(negotiation);
                bool codecChanged = _negotiation?.Codec.PayloadType != negotiation.Codec.PayloadType;
                // A new address from a re-INVITE outranks what the old one's reports came from.
                if (!negotiation.Remote.Equals(_negotiation?.Remote)) _rtcpLatched = null;
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
                // The first report comes after half an interval (RFC 3550 §6.2), for a quick first RTT.
                _nextRtcp = _pacerOrigin + RtcpDelay() / 2;
                _tick = _options.Scheduler.Register(Tick);
            }
        }
        _receiveLoop ??= Task.Run(ReceiveLoopAsync);
        _rtcpReceiveLoop ??= Task.Run(RtcpReceiveLoopAsync);
        if (holdChanged is bool held) HoldChanged?.Invoke(held);
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
                held = PeerHolds(_negotiation);
            }
            if (remote is null) return;
            if (held)
            {
                // Nothing is sent while the peer holds the call, and playback waits rather than being
                // played to no one. The stream's clock goes on (RFC 3550 §5.1: timestamps follow the
                // sampling instant), so the resume is a new talkspurt and not a jitter spike at the peer.
                if (due > 0)
                {
                    _packetizer.Skip(due * FrameSamples);
                    _resumeTalkspurt = true;
                }
            }
            else
            {
                if (_resumeTalkspurt && due > 0)
                {
                    _packetizer.StartTalkspurt();
                    _resumeTalkspurt = false;
                }
                for (int i = 0; i < due; i++) SendOneFrame(remote, telephoneEvent);
            }
            // RTCP goes on through a hold (RFC 3264 §5.1): it is how each side knows the other is there.
            if (now >= _nextRtcp)
            {
                _nextRtcp = now + RtcpDelay();
                SendRtcp(bye: false);
            }
        }
    }

    private TimeSpan RtcpDelay() => _options.RtcpInterval * (0.5 + Random.Shared.NextDouble());

    /// <summary>Under the send lock. Builds the compound (this may allocate: it is once per interval) and sends it.</summary>
    private void SendRtcp(bool bye)
    {
        if (_packetizer is not { } packetizer) return;
        byte[] compound;
        IPEndPoint? destination;
        bool viaRtpPort;
        lock (_receiveGate)
        {
            (destination, viaRtpPort) = RtcpDestination();
            if (destination is null) return;
            var wallClock = DateTimeOffset.UtcNow;
            double nowMs = _clock.Elapsed.TotalMilliseconds;
            compound = bye ? _rtcp.CreateGoodbye(packetizer, wallClock, nowMs) : _rtcp.CreateReport(packetizer, wallClock, nowMs);
        }
        try
        {
            (viaRtpPort ? _socket : _rtcpSocket).SendTo(compound, SocketFlags.None, destination);
            Interlocked.Increment(ref _rtcpSent);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>
    /// Under the receive lock. Where the peer's reports came from if any did (symmetric RTCP, and how
    /// an rtcp-mux peer that did not say so is found); else with rtcp-mux the RTP destination; else
    /// next to a latched RTP source, which is the NAT's mapping and not the SDP's; else the SDP's.
    /// </summary>
    private (IPEndPoint? Destination, bool ViaRtpPort) RtcpDestination()
    {
        if (_rtcpLatched is { } latched) return (latched, _rtcpLatchedToRtpPort);
        if (_negotiation is not { } negotiation || _remote is not { } remote) return (null, false);
        if (negotiation.RtcpMux) return (remote, true);
        if (remote.Equals(negotiation.Remote)) return (negotiation.RemoteRtcp, false);
        return (new IPEndPoint(remote.Address, Math.Min(remote.Port + 1, IPEndPoint.MaxPort)), false);
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

    private Task RtcpReceiveLoopAsync() => UdpReceiveLoop.RunAsync(_rtcpSocket, 2048, (datagram, source) =>
    {
        OnRtcp(datagram.AsSpan(), source, viaRtpPort: false);
        return ValueTask.CompletedTask;
    }, onSocketError: null, _stop.Token);

    private void OnRtcp(ReadOnlySpan<byte> data, IPEndPoint source, bool viaRtpPort)
    {
        lock (_receiveGate)
        {
            if (!_rtcp.OnRtcp(data, _packetizer?.Ssrc, DateTimeOffset.UtcNow, _clock.Elapsed.TotalMilliseconds)) return;
            if (_options.LatchToSource)
            {
                _rtcpLatched = source;
                _rtcpLatchedToRtpPort = viaRtpPort;
            }
        }
    }

    private void OnDatagram(ReadOnlySpan<byte> data, IPEndPoint source)
    {
        // RFC 5761 §4: on one port, RTCP's packet types 192–223 are no RTP payload type in use.
        if (RtcpCompoundPacket.LooksLikeRtcp(data))
        {
            OnRtcp(data, source, viaRtpPort: true);
            return;
        }
        if (!RtpPacket.LooksLikeRtp(data)) return;
        if (!RtpPacket.TryParse(data, out var packet, out _)) return;
        Interlocked.Increment(ref _packetsReceived);
        Interlocked.Add(ref _bytesReceived, packet.Payload.Length);
        char? digit = null;
        bool audio = false;
        lock (_receiveGate)
        {
            if (_options.LatchToSource && !source.Equals(_remote)) _remote = source;
            _rtcp.OnRtp(packet.Ssrc, packet.SequenceNumber, packet.Timestamp, _clock.Elapsed.TotalMilliseconds);
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
        if (PeerHolds(_negotiation)) return;
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
            // Best effort: a peer that misses the BYE times the source out instead (RFC 3550 §6.3.5).
            SendRtcp(bye: true);
            _codec?.Dispose();
        }
        _stop.Cancel();
        _socket.Dispose();
        _rtcpSocket.Dispose();
        foreach (var loop in new[] { _receiveLoop, _rtcpReceiveLoop })
        {
            try
            {
                if (loop is not null) await loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
        _stop.Dispose();
    }
}
