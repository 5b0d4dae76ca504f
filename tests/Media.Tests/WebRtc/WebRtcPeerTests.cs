using System.Net;
using System.Net.Sockets;
using Orchestrator.Media.Ice;
using Orchestrator.Media.Sdp;
using Orchestrator.Media.Stun;
using Orchestrator.Media.Tests.Sdp;
using Orchestrator.Media.Transport;
using Orchestrator.Media.WebRtc;

namespace Orchestrator.Media.Tests.WebRtc;

/// <summary>The peer without a browser: offer, answer checks, demultiplexing over a real loopback
/// socket, malformed input, and the connect timeout.</summary>
public class WebRtcPeerTests
{
    private static WebRtcPeerOptions Loopback(Func<WebRtcPeerOptions, WebRtcPeerOptions>? tweak = null)
    {
        var options = new WebRtcPeerOptions { BindAddress = IPAddress.Loopback };
        return tweak is null ? options : tweak(options);
    }

    [Fact]
    public async Task The_offer_is_ice_lite_with_the_advertised_address_and_a_port_from_the_range()
    {
        await using var peer = new WebRtcPeer(new WebRtcPeerOptions
        {
            BindAddress = IPAddress.Loopback, AdvertisedAddress = IPAddress.Parse("203.0.113.7"), PortMin = 41000, PortMax = 41020,
        });
        var offer = SdpParser.Parse(peer.CreateOffer());
        Assert.True(offer.IceLite);
        Assert.InRange(peer.LocalEndPoint.Port, 41000, 41020);
        var candidate = Assert.Single(offer.Media[0].Candidates);
        Assert.Equal("203.0.113.7", candidate.Address);
        Assert.Equal(peer.LocalEndPoint.Port, candidate.Port);
        Assert.Equal(WebRtcPeerState.Offered, peer.State);
        Assert.Throws<InvalidOperationException>(() => peer.CreateOffer());
    }

    [Fact]
    public void A_wildcard_bind_needs_an_advertised_address() =>
        Assert.Throws<ArgumentException>(() => new WebRtcPeer(new WebRtcPeerOptions { BindAddress = IPAddress.Any }));

    [Fact]
    public async Task Answers_are_checked_with_clear_errors()
    {
        await using var peer = new WebRtcPeer(Loopback());
        Assert.Contains("no offer", peer.ApplyAnswer(ChromiumSdp.Answer).Error);
        peer.CreateOffer();
        Assert.Contains("no DTLS fingerprint", peer.ApplyAnswer(Without(ChromiumSdp.Answer, "a=fingerprint")).Error);
        Assert.Contains("no ICE credentials", peer.ApplyAnswer(Without(ChromiumSdp.Answer, "a=ice-pwd")).Error);
        Assert.Contains("not valid SDP", peer.ApplyAnswer("hello").Error);
        Assert.Equal(WebRtcPeerState.Offered, peer.State);

        var accepted = peer.ApplyAnswer(ChromiumSdp.Answer);
        Assert.True(accepted.Accepted, accepted.Error);
        Assert.Contains("already applied", peer.ApplyAnswer(ChromiumSdp.Answer).Error);
    }

    [Fact]
    public async Task Without_a_browser_the_call_fails_at_the_connect_timeout()
    {
        await using var peer = new WebRtcPeer(Loopback(o => o with { ConnectTimeout = TimeSpan.FromSeconds(1) }));
        var failed = new TaskCompletionSource<MediaEnded>();
        peer.Failed += r => failed.TrySetResult(r);
        peer.CreateOffer();
        Assert.True(peer.ApplyAnswer(ChromiumSdp.Answer).Accepted);
        var ended = await failed.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(MediaEndKind.ConnectTimeout, ended.Kind);
        Assert.False(ended.ByRemote);
        Assert.Contains("within 1 s", ended.Detail);
        Assert.Same(ended, peer.EndReason);
        Assert.Equal(WebRtcPeerState.Failed, peer.State);
    }

    [Fact]
    public async Task Datagrams_are_routed_by_first_byte_over_the_socket()
    {
        await using var peer = new WebRtcPeer(Loopback());
        var offer = SdpParser.Parse(peer.CreateOffer()).Media[0];
        using var browser = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        browser.Client.ReceiveTimeout = 2000;

        // A connectivity check keyed with the offer's password is answered with our mapped address.
        var check = new StunMessage(StunMethod.Binding, StunClass.Request)
            .AddUsername($"{offer.IceUfrag}:abcd").AddPriority(1).AddIceControlling(1).AddUseCandidate()
            .Write(StunMessage.ShortTermKey(offer.IcePwd!), fingerprint: true);
        await browser.SendAsync(check, peer.LocalEndPoint);
        var reply = await browser.ReceiveAsync().WaitAsync(TimeSpan.FromSeconds(2));
        var response = StunMessage.Parse(reply.Buffer);
        Assert.Equal(StunClass.SuccessResponse, response.Class);
        Assert.Equal(browser.Client.LocalEndPoint, response.XorMappedAddress);

        await browser.SendAsync(new byte[] { 22, 254, 253, 0, 0 }, peer.LocalEndPoint);            // DTLS
        await browser.SendAsync(new byte[] { 0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1 }, peer.LocalEndPoint); // RTP before keys
        await browser.SendAsync(new byte[] { 0x80, 200, 0, 6, 0, 0, 0, 1 }, peer.LocalEndPoint);     // RTCP before keys
        await browser.SendAsync(new byte[] { 99, 1, 2, 3 }, peer.LocalEndPoint);                     // none of them
        await Eventually(() => peer.Statistics is { DtlsDatagrams: 1, NotReady: 2, Malformed: 1 });
        Assert.Equal(1, peer.Statistics.StunChecks);
        Assert.Equal(browser.Client.LocalEndPoint, peer.Remote);
    }

    [Fact]
    public async Task Remotes_the_filter_refuses_get_no_answer()
    {
        await using var peer = new WebRtcPeer(Loopback(o => o with { RemoteFilter = _ => false }));
        peer.CreateOffer();
        Assert.Equal(DatagramKind.Unknown, peer.HandleDatagram(new byte[] { 0, 1, 0, 0 }, new IPEndPoint(IPAddress.Loopback, 9)));
        Assert.Equal(1, peer.Statistics.FilteredRemote);
    }

    [Fact]
    public async Task Malformed_datagrams_of_every_kind_are_counted_never_thrown()
    {
        await using var peer = new WebRtcPeer(Loopback());
        peer.CreateOffer();
        var random = new Random(3);
        var remote = new IPEndPoint(IPAddress.Loopback, 5000);
        for (int first = 0; first < 256; first++)
        for (int length = 0; length < 40; length += 3)
        {
            var datagram = new byte[length];
            random.NextBytes(datagram);
            if (length > 0) datagram[0] = (byte)first;
            peer.HandleDatagram(datagram, remote);
        }
        var stats = peer.Statistics;
        Assert.Equal(0, stats.StunChecks);
        Assert.True(stats.Malformed > 0);
    }

    private static string Without(string sdp, string prefix) =>
        string.Join("\r\n", sdp.Split("\r\n").Where(l => !l.StartsWith(prefix, StringComparison.Ordinal)));

    private static async Task Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(3);
        while (!condition() && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.True(condition());
    }
}
