using System.Net;
using System.Net.Sockets;
using FsCheck;
using FsCheck.Xunit;
using Orchestrator.Media.Rtp;
using Orchestrator.Media.Sdp;

namespace Orchestrator.Media.Tests.Rtp;

/// <summary>
/// RTCP of a plain SIP call, against a raw peer: two sockets on an even port and the one above,
/// as baresip or a PBX has them, so every byte on the wire is the test's to read and write.
/// </summary>
public sealed class RtpSessionRtcpTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>A peer's RTP socket on an even port and its RTCP socket on the port above.</summary>
    private sealed class RawPeer : IDisposable
    {
        public Socket Rtp { get; }
        public Socket Rtcp { get; }

        public RawPeer()
        {
            for (int attempt = 0; attempt < 100; attempt++)
            {
                var rtp = Bound(0);
                int port = ((IPEndPoint)rtp.LocalEndPoint!).Port;
                if (port % 2 == 0)
                {
                    try
                    {
                        Rtcp = Bound(port + 1);
                        Rtp = rtp;
                        return;
                    }
                    catch (SocketException)
                    {
                    }
                }
                rtp.Dispose();
            }
            throw new InvalidOperationException("no even/odd port pair for the test peer");
        }

        public IPEndPoint RtpEndPoint => (IPEndPoint)Rtp.LocalEndPoint!;

        private static Socket Bound(int port)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return socket;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        public void Dispose()
        {
            Rtp.Dispose();
            Rtcp.Dispose();
        }
    }

    private static RtpAvpNegotiation Pcmu(IPEndPoint remote, bool rtcpMux = false) =>
        new(remote, new SdpCodec("PCMU", 0, 8000, 1), null, MediaDirection.SendRecv, rtcpMux);

    private static RtpSessionOptions Fast(bool sendSilence = true) =>
        new() { RtcpInterval = TimeSpan.FromMilliseconds(200), SendSilenceWhenIdle = sendSilence };

    /// <summary>
    /// The next datagram on <paramref name="socket"/> that is an RTCP compound <paramref name="wanted"/> accepts
    /// (RTP and the rest skipped). A blocking read, so the arrival time is not a busy thread pool's.
    /// </summary>
    private static (IReadOnlyList<RtcpPacket> Packets, DateTimeOffset Arrival) NextRtcp(
        Socket socket, Func<IReadOnlyList<RtcpPacket>, bool>? wanted = null)
    {
        var buffer = new byte[2048];
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var data = Receive(socket, buffer, deadline, "no matching RTCP reached the peer");
            var arrival = DateTimeOffset.UtcNow;
            if (!RtcpCompoundPacket.LooksLikeRtcp(data)) continue;
            var packets = RtcpCompoundPacket.Parse(data);
            if (wanted is null || wanted(packets)) return (packets, arrival);
        }
    }

    private static uint NextRtpSsrc(Socket socket)
    {
        var buffer = new byte[2048];
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var data = Receive(socket, buffer, deadline, "no RTP reached the peer");
            if (!RtcpCompoundPacket.LooksLikeRtcp(data)) return RtpPacket.Parse(data).Ssrc;
        }
    }

    private static Span<byte> Receive(Socket socket, byte[] buffer, DateTime deadline, string what)
    {
        int left = (int)(deadline - DateTime.UtcNow).TotalMilliseconds;
        if (left <= 0) throw new TimeoutException(what);
        socket.ReceiveTimeout = left;
        try
        {
            return buffer.AsSpan(0, socket.Receive(buffer));
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
        {
            throw new TimeoutException(what);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException(what);
            await Task.Delay(10);
        }
    }

    private static string CName(IReadOnlyList<RtcpPacket> packets, uint ssrc) =>
        packets.OfType<RtcpSourceDescription>().SelectMany(s => s.Chunks).Where(c => c.Ssrc == ssrc)
            .SelectMany(c => c.Items).Single(i => i.Type == SdesItemType.CName).Text;

    [Fact]
    public async Task The_rtcp_socket_is_the_odd_port_above_an_even_rtp_port()
    {
        for (int i = 0; i < 5; i++)
        {
            await using var session = RtpSession.Open();
            Assert.Equal(0, session.LocalEndPoint.Port % 2);
            Assert.Equal(session.LocalEndPoint.Port + 1, session.LocalRtcpEndPoint.Port);
            Assert.Equal(session.LocalEndPoint.Address, session.LocalRtcpEndPoint.Address);
        }
        await using var ranged = RtpSession.Open(new RtpSessionOptions { PortMin = 41001, PortMax = 41999 });
        Assert.InRange(ranged.LocalEndPoint.Port, 41002, 41998);
        Assert.Equal(0, ranged.LocalEndPoint.Port % 2);
        Assert.Equal(ranged.LocalEndPoint.Port + 1, ranged.LocalRtcpEndPoint.Port);
    }

    [Fact]
    public async Task While_audio_flows_a_sender_report_with_our_ssrc_and_count_and_a_cname_reaches_the_peers_rtcp_port()
    {
        using var peer = new RawPeer();
        await using var session = RtpSession.Open(Fast());
        session.Start(Pcmu(peer.RtpEndPoint));
        uint ssrc = NextRtpSsrc(peer.Rtp);

        var (packets, _) = NextRtcp(peer.Rtcp, p => p[0] is RtcpSenderReport);
        var sr = (RtcpSenderReport)packets[0];
        Assert.Equal(ssrc, sr.Ssrc);
        Assert.InRange(sr.PacketCount, 1u, (uint)session.PacketsSent);
        Assert.Equal(160u * sr.PacketCount, sr.OctetCount);
        Assert.False(string.IsNullOrEmpty(CName(packets, ssrc)));
        await WaitUntilAsync(() => session.Statistics.RtcpReportsSent >= 1, "the report is counted"); // after the send returns
    }

    [Fact]
    public async Task With_no_rtp_sent_the_report_is_a_receiver_report()
    {
        using var peer = new RawPeer();
        await using var session = RtpSession.Open(Fast(sendSilence: false));
        session.Start(Pcmu(peer.RtpEndPoint));

        var (packets, _) = NextRtcp(peer.Rtcp);
        var rr = Assert.IsType<RtcpReceiverReport>(packets[0]);
        Assert.Empty(rr.Reports); // nothing heard from the peer yet either
        Assert.False(string.IsNullOrEmpty(CName(packets, rr.Ssrc)));
        Assert.DoesNotContain(packets, p => p is RtcpSenderReport);
        Assert.Equal(0, session.PacketsSent);
    }

    [Fact]
    public async Task The_peers_reports_give_its_view_of_our_stream_the_round_trip_and_our_lsr_echo()
    {
        using var peer = new RawPeer();
        await using var session = RtpSession.Open(Fast());
        var sessionRtcp = session.LocalRtcpEndPoint;
        session.Start(Pcmu(peer.RtpEndPoint));
        var (ours, arrival) = NextRtcp(peer.Rtcp, p => p[0] is RtcpSenderReport);
        var ourSr = (RtcpSenderReport)ours[0];

        // The peer's stream: sequence 0..9 with 3 missing, so one packet lost.
        const uint peerSsrc = 0xCAFE;
        var buffer = new byte[200];
        foreach (ushort seq in new ushort[] { 0, 1, 2, 4, 5, 6, 7, 8, 9 })
        {
            var rtp = new RtpPacket { PayloadType = 0, SequenceNumber = seq, Timestamp = seq * 160u, Ssrc = peerSsrc, Payload = new byte[160] };
            peer.Rtp.SendTo(buffer.AsSpan(0, rtp.WriteTo(buffer)), SocketFlags.None, session.LocalEndPoint);
        }
        await WaitUntilAsync(() => session.PacketsReceived == 9, "the peer's RTP arrives");

        // DLSR is the time the peer held our SR, so the round trip is what is left: loopback's.
        uint dlsr = (uint)((DateTimeOffset.UtcNow - arrival).TotalSeconds * 65536);
        var peerSr = new RtcpSenderReport(peerSsrc, RtcpSenderReport.ToNtpTimestamp(DateTimeOffset.UtcNow), 1440, 9, 1440, []);
        var aboutUs = new RtcpReportBlock(ourSr.Ssrc, FractionLost: 64, CumulativeLost: 7, ExtendedHighestSequence: 1000,
            Jitter: 80, LastSenderReport: ourSr.CompactNtp, DelaySinceLastSenderReport: dlsr);
        var compound = RtcpCompoundPacket.Write([peerSr, new RtcpReceiverReport(peerSsrc, [aboutUs]), RtcpSourceDescription.ForCName(peerSsrc, "peer")]);
        peer.Rtcp.SendTo(compound, SocketFlags.None, sessionRtcp);

        await WaitUntilAsync(() => session.Statistics.RtcpReportsReceived == 1, "the peer's report is read");
        var stats = session.Statistics;
        Assert.Equal(7, stats.RemotePacketsLost);
        Assert.Equal(0.25, stats.RemoteFractionLost);
        Assert.Equal(10, stats.RemoteJitterMs); // 80 units at 8 kHz
        Assert.NotNull(stats.RoundTripMs);
        Assert.InRange(stats.RoundTripMs.Value, 0, 1000);
        Assert.Equal(9, stats.PacketsReceived);
        Assert.Equal(1, stats.PacketsLost);
        Assert.InRange(stats.JitterMs, 0, 1000);

        // Our next report is about the peer's stream and echoes its SR for the peer's own RTT.
        var (next, _) = NextRtcp(peer.Rtcp, p => p[0] is RtcpSenderReport { Reports: [{ LastSenderReport: not 0 }] });
        var block = ((RtcpSenderReport)next[0]).Reports[0];
        Assert.Equal(peerSsrc, block.Ssrc);
        Assert.Equal(1, block.CumulativeLost);
        Assert.Equal(9u, block.ExtendedHighestSequence);
        Assert.Equal(peerSr.CompactNtp, block.LastSenderReport);
        Assert.True(block.DelaySinceLastSenderReport > 0);
    }

    [Fact]
    public async Task With_rtcp_mux_reports_go_to_the_peers_rtp_port_and_its_rtcp_on_our_rtp_port_is_read()
    {
        using var peer = new RawPeer();
        await using var session = RtpSession.Open(Fast());
        session.Start(Pcmu(peer.RtpEndPoint, rtcpMux: true));

        var (packets, _) = NextRtcp(peer.Rtp, p => p[0] is RtcpSenderReport);
        uint ourSsrc = ((RtcpSenderReport)packets[0]).Ssrc;

        var rr = new RtcpReceiverReport(0xBEEF, [new RtcpReportBlock(ourSsrc, 0, 3, 100, 16, 0, 0)]);
        peer.Rtp.SendTo(RtcpCompoundPacket.Write([rr, RtcpSourceDescription.ForCName(0xBEEF, "peer")]), SocketFlags.None, session.LocalEndPoint);
        await WaitUntilAsync(() => session.Statistics.RtcpReportsReceived == 1, "muxed RTCP is read");
        Assert.Equal(3, session.Statistics.RemotePacketsLost);
        Assert.Null(session.Statistics.RoundTripMs); // LSR 0: the peer had no SR of ours to echo
        Assert.Equal(0, session.Statistics.PacketsReceived); // and it was not taken for RTP
    }

    [Fact]
    public async Task A_peer_that_muxes_without_saying_so_gets_our_reports_where_its_reports_come_from()
    {
        using var peer = new RawPeer();
        await using var session = RtpSession.Open(Fast());
        session.Start(Pcmu(peer.RtpEndPoint));
        NextRtcp(peer.Rtcp);

        peer.Rtp.SendTo(RtcpCompoundPacket.Write([new RtcpReceiverReport(0xBEEF, []), RtcpSourceDescription.ForCName(0xBEEF, "peer")]),
            SocketFlags.None, session.LocalEndPoint);
        await WaitUntilAsync(() => session.Statistics.RtcpReportsReceived == 1, "muxed RTCP is read");
        var (packets, _) = NextRtcp(peer.Rtp);
        Assert.IsType<RtcpSenderReport>(packets[0]);
    }

    [Fact]
    public async Task Reports_go_on_while_the_peer_holds_the_call()
    {
        using var peer = new RawPeer();
        await using var session = RtpSession.Open(Fast());
        session.Start(Pcmu(peer.RtpEndPoint) with { Direction = MediaDirection.SendOnly });
        var (packets, _) = NextRtcp(peer.Rtcp);
        Assert.IsType<RtcpReceiverReport>(packets[0]); // no RTP to the holder, so no SR (RFC 3264 §5.1)
        NextRtcp(peer.Rtcp);
        Assert.Equal(0, session.PacketsSent);
    }

    [Fact]
    public async Task When_rtp_latches_to_another_source_rtcp_goes_to_its_port_plus_one()
    {
        using var signalled = new RawPeer();
        using var behindNat = new RawPeer();
        await using var session = RtpSession.Open(Fast());
        session.Start(Pcmu(signalled.RtpEndPoint));
        var rtp = new RtpPacket { PayloadType = 0, SequenceNumber = 1, Timestamp = 160, Ssrc = 42, Payload = new byte[160] };
        behindNat.Rtp.SendTo(rtp.ToArray(), SocketFlags.None, session.LocalEndPoint);
        await WaitUntilAsync(() => session.RemoteEndPoint?.Equals(behindNat.RtpEndPoint) == true, "RTP latches to its source");

        var (packets, _) = NextRtcp(behindNat.Rtcp, p => p[0] is RtcpSenderReport { Reports.Count: 1 });
        Assert.Equal(42u, ((RtcpSenderReport)packets[0]).Reports[0].Ssrc);
    }

    [Fact]
    public async Task Disposing_sends_a_bye_for_our_ssrc()
    {
        using var peer = new RawPeer();
        var session = RtpSession.Open(new RtpSessionOptions { RtcpInterval = TimeSpan.FromHours(1) });
        session.Start(Pcmu(peer.RtpEndPoint));
        uint ssrc = NextRtpSsrc(peer.Rtp);
        await session.DisposeAsync();

        var (packets, _) = NextRtcp(peer.Rtcp);
        Assert.IsType<RtcpSenderReport>(packets[0]); // a BYE compound still begins with a report (RFC 3550 §6.1)
        var bye = Assert.IsType<RtcpGoodbye>(packets[^1]);
        Assert.Equal([ssrc], bye.Ssrcs);
        Assert.Equal(1, session.Statistics.RtcpReportsSent);
    }

    /// <summary>Garbage and near-RTCP (a valid header over random bytes) on the RTCP port: the session reads on and reports on.</summary>
    [Property(MaxTest = 10)]
    public bool Arbitrary_bytes_on_the_rtcp_port_never_stop_the_reports(byte[][] datagrams, byte count, byte type)
    {
        using var peer = new RawPeer();
        var session = RtpSession.Open(Fast());
        try
        {
            session.Start(Pcmu(peer.RtpEndPoint));
            foreach (var noise in datagrams.Where(d => d is not null).Take(50))
            {
                var nearRtcp = new byte[4 + noise.Length / 4 * 4];
                nearRtcp[0] = (byte)(0x80 | count % 32);
                nearRtcp[1] = (byte)(200 + type % 5);
                nearRtcp[2] = (byte)(noise.Length / 4 >> 8);
                nearRtcp[3] = (byte)(noise.Length / 4);
                noise.AsSpan(0, noise.Length / 4 * 4).CopyTo(nearRtcp.AsSpan(4));
                if (noise.Length > 0) peer.Rtcp.SendTo(noise, SocketFlags.None, session.LocalRtcpEndPoint);
                peer.Rtcp.SendTo(nearRtcp, SocketFlags.None, session.LocalRtcpEndPoint);
            }
            // Two reports after the noise: the tick and the RTCP reader both survived it.
            long sent = session.Statistics.RtcpReportsSent;
            NextRtcp(peer.Rtcp);
            NextRtcp(peer.Rtcp);
            return session.Statistics.RtcpReportsSent >= sent + 1;
        }
        finally
        {
            session.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    [Property(MaxTest = 1000)]
    public void A_reporter_takes_any_bytes_without_throwing(byte[] data, uint localSsrc)
    {
        var reporter = new RtcpReporter();
        reporter.OnRtcp(data ?? [], localSsrc, DateTimeOffset.UtcNow, 0);
        var sender = RtpPacketizer.For20MsFrames(0, 8000);
        Assert.NotEmpty(RtcpCompoundPacket.Parse(reporter.CreateReport(sender, DateTimeOffset.UtcNow, 1)));
    }
}
