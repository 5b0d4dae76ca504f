using FsCheck.Xunit;
using Orchestrator.Media.Ice;
using Orchestrator.Media.Sdp;

namespace Orchestrator.Media.Tests.Sdp;

public class SdpParserTests
{
    [Fact]
    public void Parses_a_chromium_offer()
    {
        var sdp = SdpParser.Parse(ChromiumSdp.Offer);
        Assert.Equal(4611731400430051336UL, sdp.Origin.SessionId);
        Assert.Equal(new SdpGroup("BUNDLE", ["0"]), Assert.Single(sdp.Groups));
        Assert.Equal(" WMS 3d3f5a1c-4b7e-4f0e-9a43-5e0b7f2d6c11", sdp.MsidSemantic);
        Assert.Contains(sdp.Attributes, a => a.Name == "extmap-allow-mixed");
        var audio = Assert.Single(sdp.Media);
        Assert.Equal(("audio", 9, "UDP/TLS/RTP/SAVPF"), (audio.Media, audio.Port, audio.Protocol));
        Assert.Equal(["111", "63", "9", "0", "8", "13", "110", "126"], audio.Formats);
        Assert.Equal(("Jz3F", "r9aS3h8Bb2Y/mu6VJP2sd6bA"), (audio.IceUfrag, audio.IcePwd));
        Assert.Equal("sha-256", audio.Fingerprint!.Algorithm);
        Assert.Equal(32, audio.Fingerprint.TryGetBytes()!.Length);
        Assert.Equal(SdpSetup.ActPass, audio.Setup);
        Assert.Equal("0", audio.Mid);
        Assert.Equal(MediaDirection.SendRecv, audio.Direction);
        Assert.True(audio.RtcpMux);
        Assert.StartsWith("3d3f5a1c", audio.Msid);
        Assert.Equal(new SdpRtpMap(111, "opus", 48000, 2), audio.GetRtpMap(111));
        Assert.Equal("minptime=10;useinbandfec=1", audio.GetFmtp(111));
        Assert.Equal(new SdpRtpMap(126, "telephone-event", 8000), audio.GetRtpMap(126));
        Assert.Equal(4, audio.GetAttributes("extmap").Count());
        Assert.Equal(3, audio.Candidates.Count);
        var host = audio.Candidates[0];
        Assert.Equal(("1467250027", 1, "udp", 2122260223u, "192.168.0.196", 46243, "host"),
            (host.Foundation, host.Component, host.Transport, host.Priority, host.Address, host.Port, host.Type));
        Assert.Equal("network-cost", host.Extensions![^1].Key);
        var srflx = audio.Candidates[2];
        Assert.Equal(("srflx", "192.168.0.196", (int?)46243), (srflx.Type, srflx.RelatedAddress, srflx.RelatedPort));
        Assert.Equal(2, audio.Ssrcs.Count);
        Assert.Equal(new SdpSsrc(3570614608, "cname", "4TOk42mSjXCkVIa6"), audio.Ssrcs[0]);
    }

    [Fact]
    public void Written_chromium_offer_reparses_to_the_same_model()
    {
        var first = SdpParser.Parse(ChromiumSdp.Offer);
        var text = first.ToString();
        var second = SdpParser.Parse(text);
        Assert.Equal(text, second.ToString());
        Assert.Equal(first.Media[0].Candidates, second.Media[0].Candidates);
        // Every line of the original survives (order may be canonicalised).
        var originalLines = ChromiumSdp.Offer.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Order();
        var writtenLines = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Order();
        Assert.Equal(originalLines, writtenLines);
    }

    [Fact]
    public void Accepts_bare_line_feeds()
    {
        var sdp = SdpParser.Parse(ChromiumSdp.Answer.Replace("\r\n", "\n"));
        Assert.Equal("kF9d", sdp.Media[0].IceUfrag);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("o=- 1 1 IN IP4 1.2.3.4\r\n", "v=0")]
    [InlineData("v=1\r\n", "v=0")]
    [InlineData("v=0\r\ns=-\r\n", "o=")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\n", "s=")]
    [InlineData("v=0\r\no=- x 1 IN IP4 1.2.3.4\r\ns=-\r\n", "numbers")]
    [InlineData("v=0\r\no=- 1 1 IN IP4\r\ns=-\r\n", "6 fields")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 a\r\ns=-\r\nm=audio\r\n", "m=")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 a\r\ns=-\r\nm=audio 70000 RTP/AVP 0\r\n", "port")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 a\r\ns=-\r\nm=audio 9 RTP/AVP 0\r\na=rtpmap:0 PCMU\r\n", "rtpmap")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 a\r\ns=-\r\nm=audio 9 RTP/AVP 0\r\na=rtpmap:300 PCMU/8000\r\n", "rtpmap")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 a\r\ns=-\r\nm=audio 9 RTP/AVP 0\r\na=candidate:1 1 udp\r\n", "candidate")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 a\r\ns=-\r\nm=audio 9 RTP/AVP 0\r\na=ssrc:abc cname:x\r\n", "ssrc")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 a\r\ns=-\r\nm=audio 9 RTP/AVP 0\r\na=setup:sideways\r\n", "setup")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 a\r\ns=-\r\nm=audio 9 RTP/AVP 0\r\na=fingerprint:sha-256\r\n", "fingerprint")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 a\r\ns=-\r\nhello\r\n", "x=value")]
    public void Rejects_malformed_sdp_with_a_clear_reason(string text, string expected)
    {
        Assert.False(SdpParser.TryParse(text, out _, out var error));
        Assert.Contains(expected, error);
        Assert.Throws<MediaParseException>(() => SdpParser.Parse(text));
    }

    [Property(MaxTest = 500)]
    public void Random_text_never_throws(string text) => SdpParser.TryParse(text, out _, out _);

    [Property(MaxTest = 500)]
    public void Mutated_chromium_sdp_never_throws(int position, char replacement, int cut)
    {
        var text = ChromiumSdp.Offer.ToCharArray();
        text[Math.Abs(position % text.Length)] = replacement;
        var mutated = new string(text);
        mutated = mutated[..Math.Abs(cut % mutated.Length)];
        SdpParser.TryParse(mutated, out _, out _);
        SdpParser.TryParse(new string(text), out _, out _);
    }

    [Fact]
    public void Candidate_round_trips_and_computes_host_priority()
    {
        var host = IceCandidate.Host("1", "10.0.0.5", 40000);
        Assert.Equal($"1 1 udp {(126u << 24) + (65535u << 8) + 255} 10.0.0.5 40000 typ host", host.ToString());
        Assert.True(IceCandidate.TryParse("candidate:" + host, out var parsed, out _));
        Assert.Equal(host, parsed);
    }
}
