using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Org.BouncyCastle.Tls;
using Orchestrator.Media.Codecs;
using Orchestrator.Media.Dtls;
using Orchestrator.Media.Ice;
using Orchestrator.Media.Rtp;
using Orchestrator.Media.Sdp;
using Orchestrator.Media.Srtp;
using Orchestrator.Media.Stun;
using Orchestrator.Media.Transport;

namespace Orchestrator.Actors.Tests.Voice;

/// <summary>
/// A browser on loopback UDP, as far as the server can tell: answers the offer (Opus when offered,
/// else PCMU), sends nominating STUN checks every 200 ms (consent), does DTLS as the client, then
/// sends SRTP audio continuously in real time (a −60 dBFS noise bed, like a microphone, with
/// speech mixed in on request) and records the energy of every audio packet it receives.
/// </summary>
internal sealed class SimulatedBrowser : IAsyncDisposable
{
    private readonly UdpClient _udp = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly DtlsCertificate _certificate = DtlsCertificate.Generate("browser");
    private readonly IceCredentials _ice = IceCredentials.Generate();
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<short[]> _speech = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Random _noise = new(11);
    private readonly object _receivedGate = new();
    private readonly List<(double AtMs, double Rms)> _received = [];
    private readonly List<(double AtMs, short[] Pcm)> _audio = [];

    private MediaDescription? _offer;
    private IPEndPoint? _server;
    private SdpCodec? _codec;
    private QueueDatagramTransport? _dtls;
    private volatile SrtpContext? _inbound;
    private SrtpContext? _outbound;
    private volatile bool _sendStun = true;
    private Task? _receiveLoop, _stunLoop, _mediaLoop;

    public bool UseOpus { get; init; } = true;

    /// <summary>Keeps the decoded audio of every received packet too, so a test can recognise what was heard.</summary>
    public bool KeepAudio { get; init; }

    /// <summary>The rate of <see cref="ReceivedAudio"/> (the codec's: 48 kHz for Opus, 8 kHz for PCMU).</summary>
    public int ReceivedSampleRate { get; private set; }

    /// <summary>Arrival time and decoded samples of every received audio packet (empty unless <see cref="KeepAudio"/>).</summary>
    public IReadOnlyList<(double AtMs, short[] Pcm)> ReceivedAudio
    {
        get { lock (_receivedGate) return _audio.ToList(); }
    }

    public IPEndPoint LocalEndPoint => (IPEndPoint)_udp.Client.LocalEndPoint!;

    public double NowMs => _clock.Elapsed.TotalMilliseconds;

    /// <summary>Reads the offer and writes the answer this browser will honour.</summary>
    public string Answer(string offerSdp)
    {
        var offer = SdpParser.Parse(offerSdp);
        _offer = offer.Media[0];
        var candidate = _offer.Candidates[0];
        _server = new IPEndPoint(IPAddress.Parse(candidate.Address), candidate.Port);
        var opus = _offer.RtpMaps.FirstOrDefault(m => m.EncodingName.Equals("opus", StringComparison.OrdinalIgnoreCase));
        _codec = UseOpus && opus is not null ? new SdpCodec("opus", opus.PayloadType, 48000, 2) : new SdpCodec("PCMU", 0, 8000, 1);
        var maps = new List<SdpRtpMap> { new(_codec.PayloadType, _codec.Name, _codec.ClockRate, _codec.IsOpus ? 2 : null), new(126, "telephone-event", 8000) };
        return new SessionDescription
        {
            Origin = new SdpOrigin("-", 99, 2, "IN", "IP4", "127.0.0.1"),
            Groups = [new SdpGroup("BUNDLE", ["0"])],
            Media =
            [
                new MediaDescription
                {
                    Port = 9, Protocol = WebRtcOffer.Profile, Formats = [_codec.PayloadType.ToString(), "126"],
                    Connection = new SdpConnection("IN", "IP4", "0.0.0.0"),
                    IceUfrag = _ice.Ufrag, IcePwd = _ice.Password,
                    Fingerprint = _certificate.Fingerprint, Setup = SdpSetup.Active, Mid = "0", RtcpMux = true,
                    RtpMaps = maps,
                    Ssrcs = [new SdpSsrc(2222, "cname", "browser")],
                },
            ],
        }.ToString();
    }

    public string CodecName => _codec!.Name;

    /// <summary>ICE checks, then DTLS; returns once SRTP keys exist and media is flowing both ways.</summary>
    public async Task ConnectAsync(TimeSpan timeout)
    {
        _dtls = new QueueDatagramTransport(d => Send(d));
        _receiveLoop = Task.Factory.StartNew(ReceiveLoop, TaskCreationOptions.LongRunning);
        _stunLoop = Task.Run(StunLoopAsync);
        var client = new BrowserDtlsClient(_certificate);
        var dtls = _dtls;
        var handshake = Task.Factory.StartNew(() => new DtlsClientProtocol().Connect(client, dtls), TaskCreationOptions.LongRunning);
        await handshake.WaitAsync(timeout);
        _outbound = new SrtpContext(client.Keys!.Local);
        _inbound = new SrtpContext(client.Keys.Remote);
        _mediaLoop = Task.Factory.StartNew(MediaLoop, TaskCreationOptions.LongRunning);
    }

    /// <summary>The browser stops its connectivity checks (a vanished tab, a dead network).</summary>
    public void StopStun() => _sendStun = false;

    /// <summary>Mixes speech (16 kHz) into the outgoing microphone stream from the next frame on.</summary>
    public void Say(short[] pcm16k)
    {
        for (int i = 0; i < pcm16k.Length; i += 320)
        {
            var frame = new short[320];
            pcm16k.AsSpan(i, Math.Min(320, pcm16k.Length - i)).CopyTo(frame);
            _speech.Enqueue(frame);
        }
    }

    public bool IsSaying => !_speech.IsEmpty;

    private double _lastSpeechSentAt = double.NaN;

    /// <summary>When (ms on <see cref="NowMs"/>) the last frame of what was said went out, NaN before.</summary>
    public double LastSpeechSentAt => Volatile.Read(ref _lastSpeechSentAt);

    /// <summary>Arrival time (ms on <see cref="NowMs"/>) and RMS of every received audio packet.</summary>
    public IReadOnlyList<(double AtMs, double Rms)> Received
    {
        get { lock (_receivedGate) return _received.ToList(); }
    }

    /// <summary>Arrival of the last packet louder than <paramref name="rms"/>, or null.</summary>
    public double? LastLoudPacketAt(double rms = 300) => Received.LastOrDefault(r => r.Rms > rms) is { AtMs: > 0 } last ? last.AtMs : null;

    public async Task<double> WaitForLoudAudioAsync(TimeSpan timeout, double rms = 300)
    {
        var deadline = NowMs + timeout.TotalMilliseconds;
        while (NowMs < deadline)
        {
            var loud = Received.FirstOrDefault(r => r.Rms > rms);
            if (loud.AtMs > 0) return loud.AtMs;
            await Task.Delay(10);
        }
        throw new TimeoutException("no audio with energy reached the browser");
    }

    private void MediaLoop()
    {
        using var codec = _codec!.CreateCodec();
        var toCodec = new Resampler(16000, codec.SampleRate);
        var packetizer = new RtpPacketizer((byte)_codec.PayloadType, _codec.ClockRate, _codec.ClockRate / 50, ssrc: 2222);
        double next = NowMs;
        while (!_stop.IsCancellationRequested)
        {
            var frame = new short[320];
            for (int i = 0; i < frame.Length; i++) frame[i] = (short)(_noise.NextDouble() * 60 - 30); // about −60 dBFS
            bool spoke = _speech.TryDequeue(out var speech);
            if (spoke)
                for (int i = 0; i < frame.Length; i++) frame[i] = (short)Math.Clamp(frame[i] + speech![i], short.MinValue, short.MaxValue);
            var pcm = toCodec.Process(frame);
            if (pcm.Length != codec.FrameSamples) Array.Resize(ref pcm, codec.FrameSamples);
            var packet = packetizer.Packetize(codec.Encode(pcm));
            Send(_outbound!.ProtectRtp(packet.ToArray()));
            if (spoke && _speech.IsEmpty) Volatile.Write(ref _lastSpeechSentAt, NowMs);
            next += 20;
            double wait = next - NowMs;
            if (wait > 1) Thread.Sleep((int)wait);
        }
    }

    private async Task StunLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            if (_sendStun)
            {
                var check = new StunMessage(StunMethod.Binding, StunClass.Request)
                    .AddUsername($"{_offer!.IceUfrag}:{_ice.Ufrag}")
                    .AddPriority(IceCandidate.ComputePriority(110, 65535, 1))
                    .AddIceControlling(42)
                    .AddUseCandidate()
                    .Write(StunMessage.ShortTermKey(_offer.IcePwd!), fingerprint: true);
                Send(check);
            }
            try { await Task.Delay(200, _stop.Token); } catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>On a thread of its own, so arrival times are true even when the pool is busy.</summary>
    private void ReceiveLoop()
    {
        IAudioCodec? decoder = null;
        _udp.Client.ReceiveTimeout = 100;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                byte[] datagram;
                try
                {
                    var from = new IPEndPoint(IPAddress.Any, 0);
                    datagram = _udp.Receive(ref from);
                }
                catch (ObjectDisposedException) { return; }
                catch (SocketException) { continue; }
                switch (DatagramClassifier.Classify(datagram))
                {
                    case DatagramKind.Dtls:
                        _dtls!.Enqueue(datagram);
                        break;
                    case DatagramKind.Rtp when _inbound is { } inbound:
                        if (inbound.UnprotectRtp(datagram, datagram.Length, out int length) != SrtpResult.Ok) break;
                        var packet = RtpPacket.Parse(datagram.AsSpan(0, length));
                        if (packet.PayloadType != _codec!.PayloadType) break;
                        decoder ??= _codec.CreateCodec();
                        ReceivedSampleRate = decoder.SampleRate;
                        var pcm = decoder.Decode(packet.Payload);
                        double sum = 0;
                        foreach (var s in pcm) sum += (double)s * s;
                        double at = NowMs;
                        lock (_receivedGate)
                        {
                            _received.Add((at, Math.Sqrt(sum / Math.Max(1, pcm.Length))));
                            if (KeepAudio) _audio.Add((at, pcm.ToArray()));
                        }
                        break;
                }
            }
        }
        finally
        {
            decoder?.Dispose();
        }
    }

    private void Send(ReadOnlySpan<byte> datagram)
    {
        try { _udp.Client.SendTo(datagram, SocketFlags.None, _server!); }
        catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _dtls?.Close();
        foreach (var loop in new[] { _receiveLoop, _stunLoop, _mediaLoop })
            if (loop is not null) try { await loop.WaitAsync(TimeSpan.FromSeconds(2)); } catch { }
        _udp.Dispose();
        _inbound?.Dispose();
        _outbound?.Dispose();
    }
}
