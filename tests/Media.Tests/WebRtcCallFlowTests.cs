using System.Net;
using Org.BouncyCastle.Tls;
using Orchestrator.Media.Codecs;
using Orchestrator.Media.Dtls;
using Orchestrator.Media.Ice;
using Orchestrator.Media.Rtp;
using Orchestrator.Media.Sdp;
using Orchestrator.Media.Srtp;
using Orchestrator.Media.Stun;
using Orchestrator.Media.Tests.Dtls;
using Orchestrator.Media.Transport;

namespace Orchestrator.Media.Tests;

/// <summary>
/// The pieces composed the way the media peer will use them, against a simulated browser:
/// offer → answer → ICE check → DTLS over the demultiplexed port → SRTP audio and DTMF in.
/// </summary>
public class WebRtcCallFlowTests
{
    [Fact]
    public async Task A_simulated_browser_call_gets_audio_and_a_digit_through()
    {
        var browserEndpoint = new IPEndPoint(IPAddress.Parse("192.168.1.50"), 54321);

        // Server: offer.
        var serverCertificate = DtlsCertificate.Generate();
        var ice = IceCredentials.Generate();
        var offerText = WebRtcOffer.Build(new WebRtcOfferOptions
        {
            Ice = ice,
            Fingerprint = serverCertificate.Fingerprint,
            AdvertisedAddress = IPAddress.Parse("203.0.113.10"),
            Port = 40000,
            Ssrc = 1111,
            IncludeOpus = false,
        }).ToString();

        // Browser: read the offer, answer with PCMU.
        var offer = SdpParser.Parse(offerText);
        var browserCertificate = DtlsCertificate.Generate("browser");
        var browserIce = IceCredentials.Generate();
        var answerText = new SessionDescription
        {
            Origin = new SdpOrigin("-", 99, 2, "IN", "IP4", "127.0.0.1"),
            Groups = [new SdpGroup("BUNDLE", ["0"])],
            Media =
            [
                new MediaDescription
                {
                    Port = 9, Protocol = WebRtcOffer.Profile, Formats = ["0", "126"],
                    Connection = new SdpConnection("IN", "IP4", "0.0.0.0"),
                    IceUfrag = browserIce.Ufrag, IcePwd = browserIce.Password,
                    Fingerprint = browserCertificate.Fingerprint, Setup = SdpSetup.Active, Mid = "0", RtcpMux = true,
                    RtpMaps = [new SdpRtpMap(0, "PCMU", 8000), new SdpRtpMap(126, "telephone-event", 8000)],
                    Ssrcs = [new SdpSsrc(2222, "cname", "browser")],
                },
            ],
        }.ToString();

        // Server: read the answer.
        Assert.True(WebRtcAnswer.TryRead(answerText, out var answer, out var error), error);
        Assert.True(answer.Codec.IsPcmu);
        var responder = new IceLiteResponder(ice, answer.IceUfrag);
        QueueDatagramTransport? browserDtls = null;
        var serverDtls = new QueueDatagramTransport(d => BrowserReceive(d));
        var dtmf = new DtmfReceiver((byte)answer.TelephoneEventPayloadType!.Value);
        var jitter = new JitterBuffer(new JitterBufferOptions { MaxDelayMs = 40 });
        SrtpContext? inbound = null;
        var digits = new List<char>();
        var audio = new List<short>();
        using var codec = answer.Codec.CreateCodec();
        byte[]? lastStunResponse = null;

        // The server's single receive loop: demultiplex and dispatch.
        void ServerReceive(byte[] datagram, long nowMs)
        {
            switch (DatagramClassifier.Classify(datagram))
            {
                case DatagramKind.Stun:
                    lastStunResponse = responder.Handle(datagram, browserEndpoint, DateTimeOffset.UnixEpoch.AddMilliseconds(nowMs)).Response;
                    break;
                case DatagramKind.Dtls:
                    serverDtls.Enqueue(datagram);
                    break;
                case DatagramKind.Rtp when inbound is not null:
                    if (inbound.UnprotectRtp(datagram, datagram.Length, out int length) != SrtpResult.Ok) return;
                    var packet = RtpPacket.Parse(datagram.AsSpan(0, length));
                    // Events share the audio's sequence space, so the jitter buffer sees them too (no false gaps);
                    // the digit itself is taken on arrival, the audio on release.
                    if (dtmf.Process(packet) is char digit) digits.Add(digit);
                    jitter.Add(packet, nowMs);
                    foreach (var ready in jitter.TakeReady(nowMs))
                        if (ready.PayloadType == answer.Codec.PayloadType) audio.AddRange(codec.Decode(ready.Payload));
                    break;
            }
        }

        // Browser side of the network.
        void BrowserReceive(byte[] datagram)
        {
            if (DatagramClassifier.Classify(datagram) == DatagramKind.Dtls) browserDtls!.Enqueue(datagram);
        }
        browserDtls = new QueueDatagramTransport(d => ServerReceive(d, 0));

        // ICE: the browser's nominating check, keyed with the password it read from the offer.
        var check = new StunMessage(StunMethod.Binding, StunClass.Request)
            .AddUsername($"{offer.Media[0].IceUfrag}:{browserIce.Ufrag}")
            .AddPriority(IceCandidate.ComputePriority(110, 65535, 1))
            .AddIceControlling(42)
            .AddUseCandidate()
            .Write(StunMessage.ShortTermKey(offer.Media[0].IcePwd!), fingerprint: true);
        ServerReceive(check, 0);
        Assert.Equal(browserEndpoint, StunMessage.Parse(lastStunResponse!).XorMappedAddress);
        Assert.Equal(browserEndpoint, responder.SelectedRemote);

        // DTLS: browser is the client (setup:active).
        var browserClient = new DtlsSrtpTestClient(browserCertificate);
        var accept = DtlsSrtpHandshake.AcceptAsync(new DtlsSrtpServer(serverCertificate, answer.Fingerprint), serverDtls, TimeSpan.FromSeconds(20));
        var connect = Task.Factory.StartNew(() => new DtlsClientProtocol().Connect(browserClient, browserDtls), TaskCreationOptions.LongRunning);
        var session = await accept;
        await connect;
        Assert.True(CertificateFingerprint.Matches(SdpParser.Parse(offerText).Media[0].Fingerprint!, browserClient.ServerCertificate));
        inbound = new SrtpContext(session.Keys.Remote);
        using var browserOutbound = new SrtpContext(browserClient.Keys!.Local);

        // Media: five 20 ms PCMU frames of a tone, then a DTMF digit, all SRTP-protected.
        var stream = new RtpPacketizer(0, 8000, 160, ssrc: 2222);
        var packets = new List<RtpPacket>();
        for (int frame = 0; frame < 5; frame++)
            packets.Add(stream.Packetize(new PcmuCodec().Encode(Enumerable.Range(frame * 160, 160).Select(i => (short)(6000 * Math.Sin(i * 0.3))).ToArray())));
        packets.AddRange(DtmfSender.CreatePackets(stream, 126, '7'));
        long now = 0;
        foreach (var packet in packets) ServerReceive(browserOutbound.ProtectRtp(packet.ToArray()), now += 20);
        foreach (var ready in jitter.TakeReady(now + 100))
            if (ready.PayloadType == answer.Codec.PayloadType) audio.AddRange(codec.Decode(ready.Payload));
        Assert.Equal(0, jitter.Lost);

        Assert.Equal(['7'], digits);
        Assert.Equal(5 * 160, audio.Count);
        Assert.True(audio.Max(s => Math.Abs((int)s)) > 4000);
        session.Transport.Close();
    }
}
