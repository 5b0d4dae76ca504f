using System.Net;
using Orchestrator.Media.Ice;
using Orchestrator.Media.Sdp;

namespace Orchestrator.Media.Tests.Sdp;

public class WebRtcNegotiationTests
{
    private static readonly SdpFingerprint ServerFingerprint = SdpFingerprint.Sha256([1, 2, 3]);

    private static WebRtcOfferOptions Options(bool opus = true) => new()
    {
        Ice = new IceCredentials("srvU", "0123456789abcdefghijklmn"),
        Fingerprint = ServerFingerprint,
        AdvertisedAddress = IPAddress.Parse("198.51.100.20"),
        Port = 40002,
        Ssrc = 12345678,
        Cname = "agent",
        SessionId = 42,
        IncludeOpus = opus,
    };

    [Fact]
    public void Offer_has_everything_chromium_needs()
    {
        var text = WebRtcOffer.Build(Options()).ToString();
        var sdp = SdpParser.Parse(text);
        Assert.True(sdp.IceLite);
        Assert.Equal(new SdpGroup("BUNDLE", ["0"]), Assert.Single(sdp.Groups));
        Assert.NotNull(sdp.MsidSemantic);
        var audio = Assert.Single(sdp.Media);
        Assert.Equal(("audio", 40002, "UDP/TLS/RTP/SAVPF"), (audio.Media, audio.Port, audio.Protocol));
        Assert.Equal(["111", "0", "110", "126"], audio.Formats);
        Assert.Equal(new SdpRtpMap(111, "opus", 48000, 2), audio.GetRtpMap(111));
        Assert.Equal(new SdpRtpMap(0, "PCMU", 8000), audio.RtpMaps.Single(r => r.PayloadType == 0));
        Assert.Equal("telephone-event", audio.GetRtpMap(126)!.EncodingName);
        Assert.Equal(("srvU", "0123456789abcdefghijklmn"), (audio.IceUfrag, audio.IcePwd));
        Assert.Equal(ServerFingerprint, audio.Fingerprint);
        Assert.Equal("sha-256", audio.Fingerprint!.Algorithm);
        Assert.Equal(SdpSetup.ActPass, audio.Setup);
        Assert.Equal("0", audio.Mid);
        Assert.True(audio.RtcpMux);
        Assert.NotNull(audio.Msid);
        Assert.Contains(new SdpSsrc(12345678, "cname", "agent"), audio.Ssrcs);
        var candidate = Assert.Single(audio.Candidates);
        Assert.Equal(("198.51.100.20", 40002, "host", "udp"), (candidate.Address, candidate.Port, candidate.Type, candidate.Transport));
        Assert.Equal("IN IP4 198.51.100.20", audio.Connection!.ToString());
        Assert.DoesNotContain("transport-cc", text);
    }

    [Fact]
    public void Offer_without_opus_lists_only_pcmu_and_8k_events()
    {
        var audio = WebRtcOffer.Build(Options(opus: false)).Media[0];
        Assert.Equal(["0", "126"], audio.Formats);
    }

    [Fact]
    public void Reads_a_chromium_answer_and_picks_opus()
    {
        Assert.True(WebRtcAnswer.TryRead(ChromiumSdp.Answer, out var answer, out var error), error);
        Assert.Equal(("kF9d", "Xs1vL3o8wK4c1W9f5Vn9aQ7e"), (answer.IceUfrag, answer.IcePwd));
        Assert.Equal(SdpSetup.Active, answer.Setup);
        Assert.Equal(new SdpCodec("opus", 111, 48000, 2, "minptime=10;useinbandfec=1"), answer.Codec);
        Assert.Equal(110, answer.TelephoneEventPayloadType); // the 48 kHz one, matching opus
        Assert.Equal(1943383364u, answer.RemoteSsrc);
        Assert.Equal("0", answer.Mid);
    }

    [Fact]
    public void Picks_pcmu_when_the_answer_puts_it_first_and_matches_8k_events()
    {
        var text = ChromiumSdp.Answer.Replace("m=audio 9 UDP/TLS/RTP/SAVPF 111 0 110 126", "m=audio 9 UDP/TLS/RTP/SAVPF 0 126");
        var answer = WebRtcAnswer.Read(text);
        Assert.True(answer.Codec.IsPcmu);
        Assert.Equal(0, answer.Codec.PayloadType);
        Assert.Equal(126, answer.TelephoneEventPayloadType);
    }

    [Theory]
    [InlineData("m=audio 9 UDP/TLS/RTP/SAVPF 111 0 110 126", "m=video 9 UDP/TLS/RTP/SAVPF 96", "no audio section")]
    [InlineData("m=audio 9 UDP/TLS/RTP/SAVPF 111 0 110 126", "m=audio 0 UDP/TLS/RTP/SAVPF 111", "rejected")]
    [InlineData("a=fingerprint:", "a=x-fingerprint:", "fingerprint")]
    [InlineData("a=ice-pwd:", "a=x-ice-pwd:", "ICE credentials")]
    [InlineData("a=ice-ufrag:kF9d", "a=ice-ufrag:kF", "too short")]
    [InlineData("a=setup:active", "a=setup:passive", "setup:passive")]
    [InlineData("a=rtcp-mux\r\n", "", "rtcp-mux")]
    [InlineData("m=audio 9 UDP/TLS/RTP/SAVPF 111 0 110 126", "m=audio 9 UDP/TLS/RTP/SAVPF 9 110", "no codec in common")]
    [InlineData("v=0", "v=9", "not valid SDP")]
    [InlineData("sha-256 0A", "md5 0A", "not a supported hash")]
    public void Rejects_unusable_answers_with_clear_errors(string find, string replace, string expected)
    {
        var text = ChromiumSdp.Answer.Replace(find, replace);
        Assert.NotEqual(ChromiumSdp.Answer, text);
        Assert.False(WebRtcAnswer.TryRead(text, out _, out var error));
        Assert.Contains(expected, error);
    }
}

public class SipSdpTests
{
    [Fact]
    public void Offer_lists_pcmu_pcma_and_telephone_event()
    {
        var sdp = SdpParser.Parse(SipSdp.BuildOffer(IPAddress.Parse("10.0.0.1"), 20000, 7).ToString());
        var audio = sdp.Media[0];
        Assert.Equal("RTP/AVP", audio.Protocol);
        Assert.Equal(["0", "8", "101"], audio.Formats);
        Assert.Equal("0-16", audio.GetFmtp(101));
        Assert.Equal(20, audio.Ptime);
        Assert.Equal("10.0.0.1", sdp.Connection!.Address);
    }

    [Fact]
    public void Answers_a_sipp_style_offer_with_pcmu()
    {
        // What SIPp's built-in UAC sends.
        const string offer = "v=0\r\no=user1 53655765 2353687637 IN IP4 127.0.1.1\r\ns=-\r\nc=IN IP4 127.0.1.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
        Assert.True(SipSdp.TryBuildAnswer(SdpParser.Parse(offer), IPAddress.Parse("10.0.0.1"), 30000, 9, out var answer, out var negotiation, out var error), error);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("127.0.1.1"), 6000), negotiation.Remote);
        Assert.True(negotiation.Codec.IsPcmu);
        Assert.Null(negotiation.TelephoneEventPayloadType);
        Assert.Equal(["0"], answer.Media[0].Formats);
        Assert.Equal(30000, answer.Media[0].Port);
    }

    [Fact]
    public void Prefers_the_offerers_order_and_keeps_its_event_payload_type()
    {
        const string offer = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\nm=audio 7000 RTP/AVP 8 0 96\r\nc=IN IP4 192.0.2.2\r\na=rtpmap:96 telephone-event/8000\r\na=sendonly\r\n";
        Assert.True(SipSdp.TryBuildAnswer(SdpParser.Parse(offer), IPAddress.Loopback, 30000, 9, out var answer, out var negotiation, out _));
        Assert.True(negotiation.Codec.IsPcma);
        Assert.Equal(96, negotiation.TelephoneEventPayloadType);
        Assert.Equal(MediaDirection.SendOnly, negotiation.Direction);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.2"), 7000), negotiation.Remote);
        Assert.Equal(["8", "96"], answer.Media[0].Formats);
    }

    [Theory]
    [InlineData("m=audio 7000 RTP/AVP 18\r\na=rtpmap:18 G729/8000\r\n", "no common codec")]
    [InlineData("m=audio 7000 RTP/SAVP 0\r\n", "RTP/AVP")]
    [InlineData("m=audio 0 RTP/AVP 0\r\n", "no accepted audio")]
    public void Rejects_offers_it_cannot_serve(string media, string expected)
    {
        var offer = SdpParser.Parse("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n" + media);
        Assert.False(SipSdp.TryReadAnswer(offer, out _, out var error));
        Assert.Contains(expected, error);
    }
}
