using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using Orchestrator.Actors.Tests.Voice;
using Orchestrator.Media.Dtls;
using Orchestrator.Media.Ice;
using Orchestrator.Media.Sdp;
using Orchestrator.Media.Srtp;
using Orchestrator.Media.Stun;
using Orchestrator.Media.Transport;

namespace MediaLoad;

/// <summary>Shared monotonic clock of a process (ms).</summary>
internal static class Clock
{
    private static readonly Stopwatch Watch = Stopwatch.StartNew();
    public static double NowMs => Watch.Elapsed.TotalMilliseconds;
}

/// <summary>
/// One simulated browser call on loopback UDP: answers PCMU only, nominating STUN checks (every
/// 200 ms until connected, then every ~2 s for consent), BouncyCastle DTLS client, SRTP both ways.
/// Sending is driven by <see cref="ClientEngine"/> (one thread for all calls); receiving is an
/// async loop per socket that decrypts, counts and times every RTP packet.
/// </summary>
internal sealed class BrowserCall : IAsyncDisposable
{
    private static readonly Lazy<DtlsCertificate> Certificate = new(() => DtlsCertificate.Generate("browser"));

    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly IceCredentials _ice = IceCredentials.Generate();
    private readonly CancellationTokenSource _stop = new();
    private readonly byte[] _sendBuffer = new byte[12 + 160 + SrtpContext.RtpOverhead];
    private readonly uint _ssrc = (uint)Random.Shared.Next(1, int.MaxValue);
    private MediaDescription? _offer;
    private IPEndPoint? _server;
    private QueueDatagramTransport? _dtls;
    private volatile SrtpContext? _inbound;
    private SrtpContext? _outbound;
    private Task? _receiveLoop;
    private byte[]? _stunCheck;
    private ushort _sequence = (ushort)Random.Shared.Next(0, 65535);
    private uint _timestamp = (uint)Random.Shared.Next();
    private double _lastArrival = -1;
    private double _nextStunMs;

    public BrowserCall() => _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));

    public int Id { get; init; }
    public volatile bool Connected;
    public long Sent, Received, SrtpFailures, SendErrors;

    /// <summary>Frame source for the sender thread: the next 20 ms PCMU payload (and whether it is speech).</summary>
    public Func<(byte[] Payload, bool Marker)>? NextFrame;

    /// <summary>Called on each received audio packet with its arrival time and PCMU payload.</summary>
    public Action<double, ReadOnlySpan<byte>>? OnAudio;

    /// <summary>Inter-arrival times go here while it is set.</summary>
    public static volatile Histogram? InterArrival;

    public string Answer(string offerSdp)
    {
        var offer = SdpParser.Parse(offerSdp);
        _offer = offer.Media[0];
        var candidate = _offer.Candidates[0];
        _server = new IPEndPoint(IPAddress.Parse(candidate.Address), candidate.Port);
        if (!_offer.RtpMaps.Any(m => m.PayloadType == 0) && !_offer.Formats.Contains("0"))
            throw new InvalidOperationException("the offer has no PCMU");
        // PCMU is forced here whatever else is offered (the bench's server offers PCMU only anyway).
        var maps = new List<SdpRtpMap> { new(0, "PCMU", 8000, null), new(126, "telephone-event", 8000) };
        _stunCheck = new StunMessage(StunMethod.Binding, StunClass.Request)
            .AddUsername($"{_offer.IceUfrag}:{_ice.Ufrag}")
            .AddPriority(IceCandidate.ComputePriority(110, 65535, 1))
            .AddIceControlling(42)
            .AddUseCandidate()
            .Write(StunMessage.ShortTermKey(_offer.IcePwd!), fingerprint: true);
        return new SessionDescription
        {
            Origin = new SdpOrigin("-", 99, 2, "IN", "IP4", "127.0.0.1"),
            Groups = [new SdpGroup("BUNDLE", ["0"])],
            Media =
            [
                new MediaDescription
                {
                    Port = 9, Protocol = WebRtcOffer.Profile, Formats = ["0", "126"],
                    Connection = new SdpConnection("IN", "IP4", "0.0.0.0"),
                    IceUfrag = _ice.Ufrag, IcePwd = _ice.Password,
                    Fingerprint = Certificate.Value.Fingerprint, Setup = SdpSetup.Active, Mid = "0", RtcpMux = true,
                    RtpMaps = maps,
                    Ssrcs = [new SdpSsrc(_ssrc, "cname", "browser")],
                },
            ],
        }.ToString();
    }

    /// <summary>ICE (checks sent by the engine) and DTLS; returns once SRTP keys exist.</summary>
    public async Task ConnectAsync(TimeSpan timeout)
    {
        _dtls = new QueueDatagramTransport(d => Send(d));
        _receiveLoop = Task.Run(ReceiveLoopAsync);
        SendStun(Clock.NowMs);
        var client = new BrowserDtlsClient(Certificate.Value);
        var dtls = _dtls;
        var handshake = Task.Factory.StartNew(() => new DtlsClientProtocol().Connect(client, dtls), TaskCreationOptions.LongRunning);
        await handshake.WaitAsync(timeout);
        _outbound = new SrtpContext(client.Keys!.Local);
        _inbound = new SrtpContext(client.Keys.Remote);
        Connected = true;
    }

    /// <summary>On the engine thread: a consent check when due.</summary>
    public void SendStun(double nowMs)
    {
        if (_stunCheck is null || nowMs < _nextStunMs) return;
        Send(_stunCheck);
        _nextStunMs = nowMs + (Connected ? 2000 : 200);
    }

    /// <summary>On the engine thread: one 20 ms frame.</summary>
    public void SendFrame()
    {
        if (!Connected || NextFrame is null) return;
        var (payload, marker) = NextFrame();
        var b = _sendBuffer;
        b[0] = 0x80;
        b[1] = (byte)(marker ? 0x80 : 0x00); // PT 0
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(2), _sequence++);
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(4), _timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(8), _ssrc);
        _timestamp += 160;
        payload.AsSpan(0, 160).CopyTo(b.AsSpan(12));
        if (_outbound!.ProtectRtp(b, 12 + 160, out int length) != SrtpResult.Ok) return;
        if (Send(b.AsSpan(0, length))) Interlocked.Increment(ref Sent);
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[2048];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            int n;
            try { n = (await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token)).ReceivedBytes; }
            catch (OperationCanceledException) { return; }
            catch (ObjectDisposedException) { return; }
            catch (SocketException) { continue; }
            double now = Clock.NowMs;
            var datagram = buffer.AsSpan(0, n);
            switch (DatagramClassifier.Classify(datagram))
            {
                case DatagramKind.Dtls:
                    _dtls!.Enqueue(datagram);
                    break;
                case DatagramKind.Rtp when _inbound is { } inbound:
                    if (inbound.UnprotectRtp(datagram, n, out int length) != SrtpResult.Ok)
                    {
                        Interlocked.Increment(ref SrtpFailures);
                        break;
                    }
                    if ((datagram[1] & 0x7f) != 0) break; // only PCMU audio counts
                    Interlocked.Increment(ref Received);
                    if (_lastArrival >= 0) InterArrival?.Add(now - _lastArrival);
                    _lastArrival = now;
                    int header = 12 + 4 * (datagram[0] & 0x0f);
                    OnAudio?.Invoke(now, datagram[header..length]);
                    break;
            }
        }
    }

    private bool Send(ReadOnlySpan<byte> datagram)
    {
        try
        {
            _socket.SendTo(datagram, SocketFlags.None, _server!);
            return true;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            Interlocked.Increment(ref SendErrors);
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _dtls?.Close();
        if (_receiveLoop is not null) try { await _receiveLoop.WaitAsync(TimeSpan.FromSeconds(2)); } catch { }
        _socket.Dispose();
        _inbound?.Dispose();
        _outbound?.Dispose();
    }
}

/// <summary>One above-normal-priority thread sends every call's 20 ms frame (absolute schedule,
/// no drift) and its consent checks, like a browser's audio thread, without a thread per call.</summary>
internal sealed class ClientEngine : IDisposable
{
    private readonly object _gate = new();
    private BrowserCall[] _calls = [];
    private readonly Thread _thread;
    private volatile bool _stop;

    public ClientEngine()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "client-sender", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    public volatile bool SendMedia = true;
    public long LateTicks;

    public void Add(BrowserCall call)
    {
        lock (_gate) _calls = [.. _calls, call];
    }

    private void Run()
    {
        double next = Clock.NowMs;
        while (!_stop)
        {
            double now = Clock.NowMs;
            foreach (var call in Volatile.Read(ref _calls))
            {
                try
                {
                    call.SendStun(now);
                    if (SendMedia) call.SendFrame();
                }
                catch { /* one call's problem must not stop the others */ }
            }
            next += 20;
            double wait = next - Clock.NowMs;
            if (wait > 0.5) Thread.Sleep(TimeSpan.FromMilliseconds(wait));
            else if (wait < -20) { LateTicks++; next = Clock.NowMs; }
        }
    }

    public void Dispose()
    {
        _stop = true;
        _thread.Join(1000);
    }
}

/// <summary>Lock-free histogram of milliseconds in 0.05 ms bins up to 2 s.</summary>
internal sealed class Histogram
{
    private const double Bin = 0.05;
    private readonly long[] _bins = new long[(int)(2000 / Bin) + 1];
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public void Add(double ms)
    {
        int i = (int)Math.Clamp(ms / Bin, 0, _bins.Length - 1);
        Interlocked.Increment(ref _bins[i]);
        Interlocked.Increment(ref _count);
    }

    public double Percentile(double p)
    {
        long total = Count, target = (long)Math.Ceiling(total * p), seen = 0;
        if (total == 0) return double.NaN;
        for (int i = 0; i < _bins.Length; i++)
        {
            seen += _bins[i];
            if (seen >= target) return (i + 0.5) * Bin;
        }
        return _bins.Length * Bin;
    }

    public double Max()
    {
        for (int i = _bins.Length - 1; i >= 0; i--) if (_bins[i] > 0) return (i + 0.5) * Bin;
        return double.NaN;
    }
}
