using System.Net;
using Orchestrator.Media.Sdp;

namespace Orchestrator.Media.Tests.Sdp;

/// <summary>Hold and resume as a softphone does them: a re-INVITE whose offer changes the direction.</summary>
public sealed class SipSdpHoldTests
{
    private static string Offer(string direction) =>
        "v=0\r\no=- 1 2 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 7000 RTP/AVP 0 101\r\n"
        + "a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n" + direction;

    [Theory]
    [InlineData("a=sendonly\r\n", "a=recvonly", false)]  // the peer holds the call
    [InlineData("a=inactive\r\n", "a=inactive", false)]
    [InlineData("a=recvonly\r\n", "a=sendonly", true)]
    [InlineData("a=sendrecv\r\n", "a=sendrecv", true)]   // the hold taken off
    [InlineData("", "a=sendrecv", true)]                 // no attribute means sendrecv (RFC 4566 §6)
    public void An_answer_mirrors_the_offers_direction(string offered, string answered, bool peerReceives)
    {
        Assert.True(SipSdp.TryBuildAnswer(SdpParser.Parse(Offer(offered)), IPAddress.Loopback, 30000, 9, out var answer, out var negotiation, out var error), error);
        var text = answer.ToString();
        Assert.Contains(answered + "\r\n", text);
        Assert.Single(new[] { "a=sendrecv", "a=sendonly", "a=recvonly", "a=inactive" }, d => text.Contains(d + "\r\n"));
        Assert.Equal(peerReceives, negotiation.PeerReceives);
    }

    [Theory]
    [InlineData(MediaDirection.SendOnly, MediaDirection.RecvOnly)]
    [InlineData(MediaDirection.RecvOnly, MediaDirection.SendOnly)]
    [InlineData(MediaDirection.Inactive, MediaDirection.Inactive)]
    [InlineData(MediaDirection.SendRecv, MediaDirection.SendRecv)]
    public void The_answer_direction_is_the_offers_mirror_image(MediaDirection offered, MediaDirection answered) =>
        Assert.Equal(answered, SipSdp.AnswerDirection(offered));

    [Fact]
    public void Our_offer_is_sendrecv() =>
        Assert.Contains("a=sendrecv\r\n", SipSdp.BuildOffer(IPAddress.Loopback, 30000, 9).ToString());
}
