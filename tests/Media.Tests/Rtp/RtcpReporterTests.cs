using Orchestrator.Media.Rtp;

namespace Orchestrator.Media.Tests.Rtp;

/// <summary>The reporter on its own, with the clocks in the test's hands.</summary>
public sealed class RtcpReporterTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_round_trip_is_arrival_minus_lsr_minus_dlsr()
    {
        var reporter = new RtcpReporter();
        var sender = RtpPacketizer.For20MsFrames(0, 8000);
        sender.WriteFrame(new byte[160], new byte[200]);
        var ourSr = (RtcpSenderReport)RtcpCompoundPacket.Parse(reporter.CreateReport(sender, T0, 0))[0];

        // The peer held our SR 250 ms; it comes back 330 ms after we sent it, so 80 ms were on the wire.
        uint dlsr = 65536 / 4;
        var rr = new RtcpReceiverReport(5, [new RtcpReportBlock(sender.Ssrc, 128, 12, 500, 240, ourSr.CompactNtp, dlsr)]);
        Assert.True(reporter.OnRtcp(rr.ToArray(), sender.Ssrc, T0.AddMilliseconds(330), 330));

        var stats = reporter.Snapshot(1, 0, 1);
        Assert.InRange(stats.RoundTripMs!.Value, 79.9, 80.1);
        Assert.Equal(0.5, stats.RemoteFractionLost);
        Assert.Equal(12, stats.RemotePacketsLost);
        Assert.Equal(30, stats.RemoteJitterMs);
        Assert.Equal(1, stats.RtcpReportsReceived);
    }

    [Fact]
    public void Blocks_about_other_sources_and_compounds_not_led_by_a_report_are_ignored()
    {
        var reporter = new RtcpReporter();
        var rr = new RtcpReceiverReport(5, [new RtcpReportBlock(999, 10, 1, 1, 1, 0, 0)]);
        Assert.True(reporter.OnRtcp(rr.ToArray(), 1, T0, 0));
        Assert.False(reporter.OnRtcp(RtcpSourceDescription.ForCName(5, "x").ToArray(), 1, T0, 0));
        var stats = reporter.Snapshot(0, 0, 0);
        Assert.Null(stats.RemotePacketsLost);
        Assert.Null(stats.RoundTripMs);
        Assert.Equal(1, stats.RtcpReportsReceived);
    }

    [Fact]
    public void A_sender_report_only_follows_rtp_sent_since_the_last_report()
    {
        var reporter = new RtcpReporter(cname: "us");
        var sender = RtpPacketizer.For20MsFrames(0, 8000);
        Assert.IsType<RtcpReceiverReport>(RtcpCompoundPacket.Parse(reporter.CreateReport(sender, T0, 0))[0]);
        sender.WriteFrame(new byte[160], new byte[200]);
        Assert.IsType<RtcpSenderReport>(RtcpCompoundPacket.Parse(reporter.CreateReport(sender, T0, 0))[0]);
        var quiet = RtcpCompoundPacket.Parse(reporter.CreateReport(sender, T0, 0));
        Assert.IsType<RtcpReceiverReport>(quiet[0]);
        Assert.Equal("us", Assert.IsType<RtcpSourceDescription>(quiet[1]).Chunks[0].Items[0].Text);
    }

    [Fact]
    public void Our_loss_and_jitter_are_of_the_peers_latest_stream()
    {
        var reporter = new RtcpReporter();
        for (ushort seq = 0; seq < 10; seq += 2) reporter.OnRtp(7, seq, seq * 160u, seq * 20);
        Assert.Equal(4, reporter.Snapshot(0, 5, 0).PacketsLost);
        reporter.OnRtp(8, 100, 0, 300); // a codec change restarts the stream under a new SSRC
        Assert.Equal(8u, reporter.RemoteSsrc);
        Assert.Equal(0, reporter.Snapshot(0, 6, 0).PacketsLost);
    }
}
