using Orchestrator.Media.Rtp;

namespace Orchestrator.Media.Tests.Rtp;

public class RtpReceiveStatisticsTests
{
    [Fact]
    public void Counts_loss_per_interval_and_cumulatively_across_a_wrap()
    {
        var stats = new RtpReceiveStatistics(7, 8000);
        for (int i = 0; i < 100; i++)
            if (i % 10 != 0 || i == 0) stats.OnPacket((ushort)(65500 + i), (uint)(i * 160), i * 20); // 9 lost
        var first = stats.CreateReportBlock(2000);
        Assert.Equal(100, stats.Expected);
        Assert.Equal(9, first.CumulativeLost);
        Assert.Equal((byte)(9 * 256 / 100), first.FractionLost);
        Assert.Equal((uint)(65500 + 99), first.ExtendedHighestSequence); // wrapped once: cycle 1, sequence 63
        Assert.Equal(7u, first.Ssrc);

        for (int i = 100; i < 150; i++) stats.OnPacket((ushort)(65500 + i), (uint)(i * 160), i * 20);
        var second = stats.CreateReportBlock(3000);
        Assert.Equal(0, second.FractionLost); // nothing lost in this interval
        Assert.Equal(9, second.CumulativeLost);
    }

    [Fact]
    public void Jitter_is_zero_for_steady_arrival_and_tracks_alternating_delay()
    {
        var steady = new RtpReceiveStatistics(1, 8000);
        for (int i = 0; i < 200; i++) steady.OnPacket((ushort)i, (uint)(i * 160), i * 20.0);
        Assert.Equal(0, steady.Jitter, 6);

        var bumpy = new RtpReceiveStatistics(1, 8000);
        for (int i = 0; i < 500; i++) bumpy.OnPacket((ushort)i, (uint)(i * 160), i * 20.0 + (i % 2 == 0 ? 0 : 20)); // ±160 units
        Assert.InRange(bumpy.Jitter, 155, 160);
    }

    [Fact]
    public void Echoes_the_last_sender_report_with_its_delay()
    {
        var stats = new RtpReceiveStatistics(1, 8000);
        stats.OnPacket(1, 0, 0);
        var sr = new RtcpSenderReport(1, 0x0001_2345_6789_0000, 0, 0, 0, []);
        stats.OnSenderReport(sr, 1000);
        var block = stats.CreateReportBlock(1500);
        Assert.Equal(0x2345_6789u, block.LastSenderReport);
        Assert.Equal(32768u, block.DelaySinceLastSenderReport); // 0.5 s in 1/65536 s
    }

    [Fact]
    public void Packetizer_sender_report_carries_its_counters()
    {
        var packetizer = new RtpPacketizer(0, 8000, 160, ssrc: 3, initialTimestamp: 1000);
        packetizer.Packetize(new byte[160]);
        packetizer.Packetize(new byte[160]);
        var sr = packetizer.CreateSenderReport(DateTimeOffset.UnixEpoch);
        Assert.Equal((3u, 1320u, 2u, 320u), (sr.Ssrc, sr.RtpTimestamp, sr.PacketCount, sr.OctetCount));
        Assert.Equal(2208988800UL << 32, sr.NtpTimestamp);
    }
}
