using System.Net;
using Orchestrator.Media.Sdp;

namespace Orchestrator.Media.Tests.Sdp;

/// <summary>Where a SIP peer reads RTCP: RTP port + 1, RFC 3605 a=rtcp, or its RTP port with RFC 5761 rtcp-mux.</summary>
public sealed class SipSdpRtcpTests
{
    private static SessionDescription Offer(string attributes) => SdpParser.Parse(
        "v=0\r\no=- 1 2 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 7000 RTP/AVP 0\r\n"
        + "a=rtpmap:0 PCMU/8000\r\n" + attributes);

    private static RtpAvpNegotiation Negotiate(string attributes, out string answer)
    {
        Assert.True(SipSdp.TryBuildAnswer(Offer(attributes), IPAddress.Loopback, 30000, 9, out var sdp, out var negotiation, out var error), error);
        answer = sdp.ToString();
        return negotiation;
    }

    [Fact]
    public void Without_attributes_rtcp_goes_to_the_rtp_port_plus_one_and_the_answer_does_not_mux()
    {
        var negotiation = Negotiate("", out var answer);
        Assert.False(negotiation.RtcpMux);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 7001), negotiation.RemoteRtcp);
        Assert.DoesNotContain("rtcp-mux", answer);
    }

    [Fact]
    public void An_offered_rtcp_mux_is_accepted_and_rtcp_goes_to_the_rtp_port()
    {
        var negotiation = Negotiate("a=rtcp-mux\r\n", out var answer);
        Assert.True(negotiation.RtcpMux);
        Assert.Equal(negotiation.Remote, negotiation.RemoteRtcp);
        Assert.Contains("a=rtcp-mux\r\n", answer);
    }

    [Theory]
    [InlineData("a=rtcp:7005\r\n", "192.0.2.1", 7005)]
    [InlineData("a=rtcp:7009 IN IP4 198.51.100.7\r\n", "198.51.100.7", 7009)]
    [InlineData("a=rtcp:junk\r\n", "192.0.2.1", 7001)] // unreadable: the RFC 3550 default
    public void An_rfc_3605_rtcp_attribute_names_the_rtcp_address(string attribute, string address, int port) =>
        Assert.Equal(new IPEndPoint(IPAddress.Parse(address), port), Negotiate(attribute, out _).RemoteRtcp);

    [Fact]
    public void Our_offer_does_not_propose_rtcp_mux() =>
        Assert.DoesNotContain("rtcp-mux", SipSdp.BuildOffer(IPAddress.Loopback, 30000, 9).ToString());
}
