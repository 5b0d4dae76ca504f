using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Orchestrator.Media.Codecs;
using Orchestrator.Media.Dtls;
using Orchestrator.Media.Ice;
using Orchestrator.Media.Rtp;
using Orchestrator.Media.Sdp;
using Orchestrator.Media.Srtp;
using Orchestrator.Media.Transport;

namespace Orchestrator.Media.WebRtc;

/// <summary>
/// One browser call's media endpoint: a UDP socket of its own, ICE-lite, DTLS-SRTP (server role),
/// SRTP audio both ways with the negotiated codec, RFC 4733 digits, sender reports.
///
/// Threads: one receive loop (demultiplexes and handles every datagram), a paced tick on one
/// thread of the shared <see cref="MediaTickScheduler"/> (from <see cref="Connected"/> on) that
/// sends and also releases received audio, so <see cref="AudioFrame"/> always comes from that one
/// thread, in order; one watchdog, and the DTLS handshake on a thread of its own.
/// Events are raised on those threads and must return quickly (an actor just tells itself).
/// PCM in and out is mono 16-bit at <see cref="PcmSampleRate"/> (16 kHz, the speech pipeline's
/// rate), resampled from/to the codec's rate here, so callers never see codec rates.
/// </summary>
public sealed class WebRtcPeer : IAsyncDisposable
{
    public const int PcmSampleRate = 16000;
    public const int PcmFrameSamples = PcmSampleRate / 50;
    public static readonly TimeSpan FrameDuration = TimeSpan.FromMilliseconds(20);

    private static readonly Lazy<DtlsCertificate> SharedCertificate = new(() => DtlsCertificate.Generate());

    private readonly WebRtcPeerOptions _options;
    private readonly Socket _socket;
    private readonly DtlsCertificate _certificate;
    private readonly IceLiteResponder _ice;
    private readonly QueueDatagramTransport _dtlsTransport;
    private readonly PlaybackQueue _playback = new(PcmFrameSamples);
    private readonly ConcurrentQueue<char> _pendingDigits = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly object _receiveGate = new();
    private readonly object _sendGate = new();
    private readonly uint _ssrc;
    private readonly Task _receiveLoop;
    private readonly Task _watchdog;

    private int _state = (int)WebRtcPeerState.New;
    private WebRtcAnswer? _answer;
    private long _answerAtMs = -1;
    private long _lastCheckMs = -1;
    private volatile IPEndPoint? _remote;
    private volatile IPEndPoint? _lastDtlsSource;
    private DtlsSrtpSession? _dtls;
    private volatile SrtpContext? _inbound;
    private SrtpContext? _outbound;

    // Receive side: the receive loop adds to _received; only the sender tick (one scheduler thread
    // per call) releases, decodes and raises AudioFrame, so frames reach the caller in order.
    // The statistics and the DTMF detector are guarded by _receiveGate; the decoder is the tick's.
    private volatile ReceivedAudio? _received;
    private IAudioCodec? _decoder;
    private Resampler? _toPcm;
    private DtmfReceiver? _dtmfIn;
    private RtpReceiveStatistics? _receiveStats;

    // Send side, used by the sender loop only.
    private IAudioCodec? _encoder;
    private Resampler? _fromPcm;
    private RtpPacketizer? _packetizer;
    private readonly Queue<RtpPacket> _dtmfOut = new();
    private readonly byte[] _rtpBuffer = new byte[1500];
    private bool _idle = true;
    private FramePacer? _pacer;
    private TimeSpan _senderStarted, _nextReport;
    private IDisposable? _senderRegistration;

    private long _stunChecks, _stunRejected, _dtlsDatagrams, _rtpReceived, _rtcpReceived, _srtpFailures,
        _malformed, _filtered, _notReady, _rtpSent, _rtcpSent, _sendErrors, _framesDelivered, _pacerSkipped, _senderTicks;

    public WebRtcPeer(WebRtcPeerOptions? options = null)
    {
        _options = options ?? new WebRtcPeerOptions();
        var advertised = _options.AdvertisedAddress ?? _options.BindAddress;
        if (advertised.Equals(IPAddress.Any) || advertised.Equals(IPAddress.IPv6Any))
            throw new ArgumentException("AdvertisedAddress is required when binding to a wildcard address", nameof(options));
        AdvertisedAddress = advertised;
        _certificate = _options.Certificate ?? SharedCertificate.Value;
        _socket = BindSocket(_options);
        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        _ice = new IceLiteResponder(IceCredentials.Generate());
        // Exists from the start: Chromium's ClientHello can overtake the answer's POST.
        _dtlsTransport = new QueueDatagramTransport(SendDtls);
        _ssrc = (uint)RandomNumberGenerator.GetInt32(1, int.MaxValue);
        _receiveLoop = Task.Run(ReceiveLoopAsync);
        _watchdog = Task.Run(WatchdogAsync);
    }

    /// <summary>ICE nominated, DTLS done, SRTP keys in place: audio can flow.</summary>
    public event Action<WebRtcConnection>? Connected;

    /// <summary>The call's media is over: ICE or DTLS not done in time, DTLS refused, the browser
    /// closed DTLS, or consent lost. Raised at most once; never after <see cref="DisposeAsync"/>.</summary>
    public event Action<MediaEnded>? Failed;

    /// <summary>Caller audio, 16 kHz mono, after the jitter buffer.</summary>
    public event Action<WebRtcAudioFrame>? AudioFrame;

    /// <summary>A digit from the caller (RFC 4733), once per key press.</summary>
    public event Action<char>? DtmfDigit;

    public IPEndPoint LocalEndPoint { get; }
    public IPAddress AdvertisedAddress { get; }
    public WebRtcPeerState State => (WebRtcPeerState)Volatile.Read(ref _state);
    public SdpCodec? Codec => _answer?.Codec;
    public IPEndPoint? Remote => _remote;
    public string? FailureReason { get; private set; }

    /// <summary>Why the media ended, typed; null while it has not.</summary>
    public MediaEnded? EndReason { get; private set; }

    /// <summary>Samples (16 kHz) of queued audio sent so far; see <see cref="PlaybackQueue"/>.</summary>
    public long PlaybackSentSamples => _playback.Sent;

    /// <summary>Samples (16 kHz) queued and not yet sent.</summary>
    public long PlaybackPendingSamples => _playback.Pending;

    public WebRtcPeerStatistics Statistics
    {
        get
        {
            long lost;
            lost = _received?.Lost ?? 0;
            return new(Read(ref _stunChecks), Read(ref _stunRejected), Read(ref _dtlsDatagrams), Read(ref _rtpReceived),
                Read(ref _rtcpReceived), Read(ref _srtpFailures), Read(ref _malformed), Read(ref _filtered), Read(ref _notReady),
                Read(ref _rtpSent), Read(ref _rtcpSent), Read(ref _sendErrors), Read(ref _framesDelivered), lost,
                Read(ref _pacerSkipped), Read(ref _senderTicks));
        }
    }

    /// <summary>The complete offer (ICE-lite, one host candidate, no trickle). Call once.</summary>
    public string CreateOffer()
    {
        if (Interlocked.CompareExchange(ref _state, (int)WebRtcPeerState.Offered, (int)WebRtcPeerState.New) != (int)WebRtcPeerState.New)
            throw new InvalidOperationException($"an offer was already created (state {State})");
        return WebRtcOffer.Build(new WebRtcOfferOptions
        {
            Ice = _ice.Local,
            Fingerprint = _certificate.Fingerprint,
            AdvertisedAddress = AdvertisedAddress,
            Port = LocalEndPoint.Port,
            Ssrc = _ssrc,
            Cname = _options.Cname,
            IncludeOpus = _options.OfferOpus && Codecs.Opus.OpusLibrary.IsAvailable,
        }).ToString();
    }

    /// <summary>Reads the browser's answer and starts the DTLS handshake and the connect timeout.
    /// A refused answer leaves the peer as it was, so the caller can report the error.</summary>
    public WebRtcAnswerResult ApplyAnswer(string sdp)
    {
        if (State != WebRtcPeerState.Offered)
            return WebRtcAnswerResult.Rejected(State == WebRtcPeerState.New ? "no offer was made yet" : $"an answer was already applied (state {State})");
        if (!WebRtcAnswer.TryRead(sdp ?? "", out var answer, out var error))
            return WebRtcAnswerResult.Rejected(error);
        if (answer.Direction is MediaDirection.Inactive)
            return WebRtcAnswerResult.Rejected("answer's audio is inactive");
        IAudioCodec decoder, encoder;
        try
        {
            decoder = answer.Codec.CreateCodec();
            encoder = answer.Codec.CreateCodec();
        }
        catch (Exception ex)
        {
            return WebRtcAnswerResult.Rejected($"codec {answer.Codec.Name} cannot be used: {ex.Message}");
        }
        if (Interlocked.CompareExchange(ref _state, (int)WebRtcPeerState.Answered, (int)WebRtcPeerState.Offered) != (int)WebRtcPeerState.Offered)
        {
            decoder.Dispose();
            encoder.Dispose();
            return WebRtcAnswerResult.Rejected($"an answer was already applied (state {State})");
        }

        lock (_receiveGate)
        {
            _decoder = decoder;
            _toPcm = new Resampler(decoder.SampleRate, PcmSampleRate);
            _received = new ReceivedAudio(_options.JitterBuffer);
            _dtmfIn = answer.TelephoneEventPayloadType is int pt ? new DtmfReceiver((byte)pt) : null;
            _receiveStats = new RtpReceiveStatistics(answer.RemoteSsrc ?? 0, answer.Codec.ClockRate);
        }
        _encoder = encoder;
        _fromPcm = new Resampler(PcmSampleRate, encoder.SampleRate);
        _packetizer = new RtpPacketizer((byte)answer.Codec.PayloadType, answer.Codec.ClockRate, answer.Codec.ClockRate / 50, _ssrc);
        _ice.RemoteUfrag = answer.IceUfrag;
        _answer = answer;
        Volatile.Write(ref _answerAtMs, _clock.ElapsedMilliseconds);
        _ = RunHandshakeAsync(answer);
        return WebRtcAnswerResult.Ok(answer.Codec);
    }

    /// <summary>Queues 16 kHz mono PCM of any length for paced sending; returns the playback
    /// position (in samples) where it ends, to compare with <see cref="PlaybackSentSamples"/>.</summary>
    public long SendAudio(ReadOnlySpan<short> pcm16k) => _playback.Enqueue(pcm16k);

    /// <summary>Barge-in: drops all queued audio at once (the frame on the wire is the last).</summary>
    public PlaybackCleared ClearPlayback()
    {
        long dropped = _playback.Clear();
        return new PlaybackCleared(_playback.Sent, dropped);
    }

    /// <summary>Queues a digit (RFC 4733, 100 ms); false when the answer has no telephone-event
    /// or the character is not a digit.</summary>
    public bool SendDtmf(char digit)
    {
        if (_answer?.TelephoneEventPayloadType is null || !TelephoneEvent.TryGetEventCode(digit, out _)) return false;
        _pendingDigits.Enqueue(digit);
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        int previous = Interlocked.Exchange(ref _state, (int)WebRtcPeerState.Closed);
        if (previous == (int)WebRtcPeerState.Closed) return;
        _stop.Cancel();
        _senderRegistration?.Dispose();
        try { _dtls?.Transport.Close(); } catch { /* best effort close_notify */ }
        _dtlsTransport.Close();
        _socket.Dispose();
        try { await Task.WhenAll(_receiveLoop, _watchdog).ConfigureAwait(false); } catch { /* loops end on cancellation */ }
        // A tick in flight holds _sendGate; once it is ours no tick uses the codecs or SRTP again
        // (the tick is also where received audio is decoded).
        lock (_sendGate)
        {
            _decoder?.Dispose();
            _encoder?.Dispose();
            _outbound?.Dispose();
        }
        _inbound?.Dispose();
        _stop.Dispose();
    }

    // ---- receive path ----

    private Task ReceiveLoopAsync() => UdpReceiveLoop.RunAsync(_socket, 2048, (datagram, remote) =>
    {
        try
        {
            HandleDatagram(datagram.AsSpan(), remote);
        }
        catch (Exception)
        {
            // One bad packet is counted and dropped; the call goes on.
            Interlocked.Increment(ref _malformed);
        }
        return ValueTask.CompletedTask;
    }, () => Interlocked.Increment(ref _sendErrors), _stop.Token);

    /// <summary>Routes one datagram by its first byte (RFC 7983). Modifies it in place (SRTP).</summary>
    internal DatagramKind HandleDatagram(Span<byte> datagram, IPEndPoint remote)
    {
        if (_options.RemoteFilter is { } filter && !filter(remote))
        {
            Interlocked.Increment(ref _filtered);
            return DatagramKind.Unknown;
        }
        var kind = DatagramClassifier.Classify(datagram);
        switch (kind)
        {
            case DatagramKind.Stun: HandleStun(datagram, remote); break;
            case DatagramKind.Dtls: HandleDtls(datagram, remote); break;
            case DatagramKind.Rtp: HandleRtp(datagram); break;
            case DatagramKind.Rtcp: HandleRtcp(datagram); break;
            default: Interlocked.Increment(ref _malformed); break;
        }
        return kind;
    }

    private void HandleStun(ReadOnlySpan<byte> datagram, IPEndPoint remote)
    {
        var result = _ice.Handle(datagram, remote, DateTimeOffset.UtcNow);
        switch (result.Outcome)
        {
            case IceCheckOutcome.Ignored:
                Interlocked.Increment(ref _malformed);
                return;
            case IceCheckOutcome.Rejected:
                Interlocked.Increment(ref _stunRejected);
                break;
            case IceCheckOutcome.Success:
                Interlocked.Increment(ref _stunChecks);
                Volatile.Write(ref _lastCheckMs, _clock.ElapsedMilliseconds);
                // The latest nomination wins: Chromium may renominate after a network change.
                if (result.Nominated && !remote.Equals(_remote))
                {
                    _remote = remote;
                    TryConnect();
                }
                break;
        }
        if (result.Response is { } response) SendTo(response, remote);
    }

    private void HandleDtls(ReadOnlySpan<byte> datagram, IPEndPoint remote)
    {
        Interlocked.Increment(ref _dtlsDatagrams);
        _lastDtlsSource = remote;
        if (_dtls is null)
        {
            _dtlsTransport.Enqueue(datagram);
            return;
        }
        // After the handshake only an alert matters: in WebRTC it is close_notify (pc.close()) or
        // fatal. The record header's content type is in the clear even though the body is not.
        const byte Alert = 21;
        if (datagram[0] == Alert) Fail(MediaEndKind.RemoteClosed, "the browser closed the DTLS session (alert received)");
    }

    private void HandleRtp(Span<byte> datagram)
    {
        var inbound = _inbound;
        if (inbound is null)
        {
            Interlocked.Increment(ref _notReady);
            return;
        }
        if (inbound.UnprotectRtp(datagram, datagram.Length, out int length) != SrtpResult.Ok)
        {
            Interlocked.Increment(ref _srtpFailures);
            return;
        }
        if (!RtpPacket.TryParse(datagram[..length], out var packet, out _))
        {
            Interlocked.Increment(ref _malformed);
            return;
        }
        Interlocked.Increment(ref _rtpReceived);
        char? digit;
        var received = _received;
        if (received is null) return;
        long now = _clock.ElapsedMilliseconds;
        lock (_receiveGate)
        {
            _receiveStats!.OnPacket(packet, now);
            digit = _dtmfIn?.PayloadType == packet.PayloadType ? _dtmfIn.Process(packet) : null;
        }
        // Events share the audio's sequence space, so they go through the jitter buffer too.
        received.Add(packet, now);
        if (digit is char d) Raise(DtmfDigit, d);
    }

    private void HandleRtcp(Span<byte> datagram)
    {
        var inbound = _inbound;
        if (inbound is null)
        {
            Interlocked.Increment(ref _notReady);
            return;
        }
        if (inbound.UnprotectRtcp(datagram, datagram.Length, out int length) != SrtpResult.Ok)
        {
            Interlocked.Increment(ref _srtpFailures);
            return;
        }
        Interlocked.Increment(ref _rtcpReceived);
        if (!RtcpCompoundPacket.TryParse(datagram[..length], out var packets, out _)) return;
        lock (_receiveGate)
        {
            foreach (var sr in packets.OfType<RtcpSenderReport>())
                if (_receiveStats is { } stats && (stats.Ssrc == 0 || stats.Ssrc == sr.Ssrc)) stats.OnSenderReport(sr, _clock.ElapsedMilliseconds);
        }
    }

    /// <summary>On the tick: decodes what the jitter buffer releases and raises it, in order.</summary>
    private void DeliverReceived(long nowMs)
    {
        if (_received is not { } received || _decoder is null) return;
        received.Release(nowMs, _deliverPacket ??= DeliverPacket);
    }

    private Action<RtpPacket>? _deliverPacket;

    private void DeliverPacket(RtpPacket ready)
    {
        var decoder = _decoder!;
        if (ready.PayloadType != decoder.PayloadType && ready.PayloadType != _answer!.Codec.PayloadType) return;
        short[] pcm;
        try
        {
            pcm = _toPcm!.Process(decoder.Decode(ready.Payload));
        }
        catch (Exception)
        {
            Interlocked.Increment(ref _malformed);
            return;
        }
        Interlocked.Increment(ref _framesDelivered);
        Raise(AudioFrame, new WebRtcAudioFrame(pcm, PcmSampleRate, ready.Timestamp));
    }

    // ---- handshake and state ----

    private async Task RunHandshakeAsync(WebRtcAnswer answer)
    {
        try
        {
            // The watchdog reports the connect timeout (saying whether ICE or DTLS is missing); this
            // later limit only guarantees the handshake thread ends.
            var limit = _options.ConnectTimeout + TimeSpan.FromSeconds(1);
            var server = new DtlsSrtpServer(_certificate, answer.Fingerprint, limit);
            var session = await DtlsSrtpHandshake.AcceptAsync(server, _dtlsTransport, limit, _stop.Token).ConfigureAwait(false);
            var (outbound, inbound) = session.Keys.CreateContexts();
            _outbound = outbound;
            _inbound = inbound;
            _dtls = session;
            TryConnect();
        }
        catch (OperationCanceledException) { }
        catch (Exception ex)
        {
            Fail(MediaEndKind.HandshakeFailed, ex is DtlsHandshakeException ? ex.Message : $"DTLS handshake failed: {ex.Message}");
        }
    }

    private void TryConnect()
    {
        if (_dtls is null || _remote is not { } remote) return;
        if (Interlocked.CompareExchange(ref _state, (int)WebRtcPeerState.Connected, (int)WebRtcPeerState.Answered) != (int)WebRtcPeerState.Answered) return;
        // Consent is counted from connection, not from a check that may be older than the handshake.
        Volatile.Write(ref _lastCheckMs, Math.Max(Volatile.Read(ref _lastCheckMs), _clock.ElapsedMilliseconds));
        StartSender();
        var since = TimeSpan.FromMilliseconds(_clock.ElapsedMilliseconds - Volatile.Read(ref _answerAtMs));
        Raise(Connected, new WebRtcConnection(remote, _answer!.Codec, since));
    }

    private void Fail(MediaEndKind kind, string reason)
    {
        int current;
        do
        {
            current = Volatile.Read(ref _state);
            if (current is (int)WebRtcPeerState.Failed or (int)WebRtcPeerState.Closed) return;
        }
        while (Interlocked.CompareExchange(ref _state, (int)WebRtcPeerState.Failed, current) != current);
        FailureReason = reason;
        Raise(Failed, EndReason = new MediaEnded(kind, reason));
    }

    private async Task WatchdogAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                long now = _clock.ElapsedMilliseconds;
                switch (State)
                {
                    case WebRtcPeerState.Answered when now - Volatile.Read(ref _answerAtMs) > _options.ConnectTimeout.TotalMilliseconds:
                        Fail(MediaEndKind.ConnectTimeout, ConnectTimeoutReason());
                        break;
                    case WebRtcPeerState.Connected when now - Volatile.Read(ref _lastCheckMs) > _options.ConsentTimeout.TotalMilliseconds:
                        Fail(MediaEndKind.ConsentLost, $"consent lost: no valid ICE check for {_options.ConsentTimeout.TotalSeconds:0.#} s");
                        break;
                    case WebRtcPeerState.Failed or WebRtcPeerState.Closed:
                        return;
                }
            }
        }
        catch (OperationCanceledException) { }
    }

    private string ConnectTimeoutReason()
    {
        string seconds = $"{_options.ConnectTimeout.TotalSeconds:0.#} s";
        bool ice = _remote is not null, dtls = _dtls is not null;
        return (ice, dtls) switch
        {
            (false, false) when Read(ref _stunChecks) == 0 => $"ICE: no valid connectivity check within {seconds}",
            (false, false) => $"ICE not nominated and DTLS not done within {seconds}",
            (false, true) => $"ICE: no nominated pair within {seconds}",
            _ => $"DTLS handshake not done within {seconds}",
        };
    }

    // ---- send path ----

    private void StartSender()
    {
        _pacer = new FramePacer(FrameDuration, maxBurst: 10);
        _senderStarted = _clock.Elapsed;
        _nextReport = _senderStarted + TimeSpan.FromMilliseconds(500);
        _senderRegistration = _options.Scheduler.Register(SenderTick);
    }

    /// <summary>On the scheduler thread: send what is due, release jitter-buffered audio, report.</summary>
    private void SenderTick()
    {
        lock (_sendGate) SenderTickLocked();
    }

    private void SenderTickLocked()
    {
        if (State != WebRtcPeerState.Connected) return;
        var now = _clock.Elapsed;
        int due = _pacer!.FramesDue(now - _senderStarted);
        if (due == 0 && _idle && _dtmfOut.Count == 0 && (_playback.Pending > 0 || !_pendingDigits.IsEmpty))
        {
            // A talkspurt after silence goes out on this tick, not on the idle grid's next slot.
            _pacer.Restart();
            _senderStarted = now;
            due = _pacer.FramesDue(TimeSpan.Zero);
        }
        Interlocked.Exchange(ref _pacerSkipped, _pacer.FramesSkipped);
        Interlocked.Increment(ref _senderTicks);
        for (int i = 0; i < due; i++) SendOneFrame();
        DeliverReceived(_clock.ElapsedMilliseconds);
        if (now >= _nextReport)
        {
            SendSenderReport();
            _nextReport = now + _options.SenderReportInterval;
        }
    }

    private void SendOneFrame()
    {
        var packetizer = _packetizer!;
        if (_dtmfOut.Count == 0 && _pendingDigits.TryDequeue(out char digit))
            foreach (var p in DtmfSender.CreatePackets(packetizer, (byte)_answer!.TelephoneEventPayloadType!.Value, digit)) _dtmfOut.Enqueue(p);
        if (_dtmfOut.TryDequeue(out var dtmf))
        {
            SendRtp(dtmf);
            return;
        }
        if (!_playback.TryDequeue(out var frame))
        {
            // Nothing to say: send nothing, but keep the media clock running (discontinuous transmission).
            packetizer.Skip(packetizer.SamplesPerFrame);
            _idle = true;
            return;
        }
        if (_idle)
        {
            packetizer.StartTalkspurt();
            _idle = false;
        }
        var pcm = _fromPcm!.Process(frame);
        if (pcm.Length != _encoder!.FrameSamples) Array.Resize(ref pcm, _encoder.FrameSamples);
        SendRtp(packetizer.Packetize(_encoder.Encode(pcm)));
    }

    private void SendRtp(RtpPacket packet)
    {
        if (_remote is not { } remote || _outbound is null) return;
        // Only the tick sends RTP (under _sendGate), so one buffer per peer serves every packet.
        int needed = packet.Length + SrtpContext.RtpOverhead;
        var buffer = needed <= _rtpBuffer.Length ? _rtpBuffer : new byte[needed];
        int length = packet.WriteTo(buffer);
        if (_outbound.ProtectRtp(buffer, length, out int protectedLength) != SrtpResult.Ok) return;
        if (SendTo(buffer.AsSpan(0, protectedLength), remote)) Interlocked.Increment(ref _rtpSent);
    }

    private void SendSenderReport()
    {
        if (_remote is not { } remote || _outbound is null) return;
        IReadOnlyList<RtcpReportBlock> blocks;
        lock (_receiveGate)
            blocks = _receiveStats is { Received: > 0 } stats ? [stats.CreateReportBlock(_clock.ElapsedMilliseconds)] : [];
        var compound = RtcpCompoundPacket.Write([
            _packetizer!.CreateSenderReport(DateTimeOffset.UtcNow, blocks),
            RtcpSourceDescription.ForCName(_ssrc, _options.Cname),
        ]);
        var buffer = new byte[compound.Length + SrtpContext.RtcpOverhead];
        compound.CopyTo(buffer, 0);
        if (_outbound.ProtectRtcp(buffer, compound.Length, out int protectedLength) != SrtpResult.Ok) return;
        if (SendTo(buffer.AsSpan(0, protectedLength), remote)) Interlocked.Increment(ref _rtcpSent);
    }

    private void SendDtls(byte[] datagram)
    {
        if ((_remote ?? _lastDtlsSource ?? _ice.LastValidatedRemote) is { } remote) SendTo(datagram, remote);
    }

    private bool SendTo(ReadOnlySpan<byte> datagram, IPEndPoint remote)
    {
        try
        {
            _socket.SendTo(datagram, SocketFlags.None, remote);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            Interlocked.Increment(ref _sendErrors);
            return false;
        }
    }

    // ---- helpers ----

    private static Socket BindSocket(WebRtcPeerOptions options)
    {
        var socket = new Socket(options.BindAddress.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (options.PortMin <= 0 && options.PortMax <= 0)
            {
                socket.Bind(new IPEndPoint(options.BindAddress, 0));
                return socket;
            }
            if (options.PortMin <= 0 || options.PortMax < options.PortMin || options.PortMax > 65535)
                throw new ArgumentException($"port range {options.PortMin}-{options.PortMax} is invalid");
            int count = options.PortMax - options.PortMin + 1;
            // A random start spreads concurrent calls over the range instead of racing for its first port.
            int start = RandomNumberGenerator.GetInt32(count);
            for (int i = 0; i < count; i++)
            {
                int port = options.PortMin + (start + i) % count;
                try
                {
                    socket.Bind(new IPEndPoint(options.BindAddress, port));
                    return socket;
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse) { }
            }
            throw new InvalidOperationException($"no free UDP port in {options.PortMin}-{options.PortMax}");
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static long Read(ref long counter) => Interlocked.Read(ref counter);

    /// <summary>A throwing handler must not take down the receive or sender loop.</summary>
    private static void Raise<T>(Action<T>? handler, T value)
    {
        if (handler is null) return;
        try { handler(value); } catch { /* the subscriber's bug, not the call's */ }
    }
}
