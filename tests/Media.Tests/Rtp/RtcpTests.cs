using FsCheck.Xunit;
using Orchestrator.Media.Rtp;

namespace Orchestrator.Media.Tests.Rtp;

public class RtcpTests
{
    [Fact]
    public void Parses_a_hand_built_sender_report_and_sdes()
    {
        byte[] bytes =
        [
            // SR, 1 report block, length 12 words
            0x81, 200, 0x00, 0x0C,
            0x00, 0x00, 0x00, 0x01,                         // SSRC 1
            0xE0, 0x00, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00, // NTP
            0x00, 0x00, 0x10, 0x00,                         // RTP ts 4096
            0x00, 0x00, 0x00, 0x05,                         // packets 5
            0x00, 0x00, 0x03, 0x20,                         // octets 800
            0x00, 0x00, 0x00, 0x02,                         // block: SSRC 2
            0x40, 0xFF, 0xFF, 0xFF,                         // fraction 0x40, cumulative -1
            0x00, 0x01, 0x00, 0x10,                         // ext highest seq
            0x00, 0x00, 0x00, 0x07,                         // jitter
            0x11, 0x22, 0x33, 0x44,                         // LSR
            0x00, 0x00, 0x00, 0x09,                         // DLSR
            // SDES, 1 chunk, CNAME "ab": 4 + 2 + 2 + 1 terminator -> 12 bytes -> length 3
            0x81, 202, 0x00, 0x03,
            0x00, 0x00, 0x00, 0x01,
            0x01, 0x02, (byte)'a', (byte)'b',
            0x00, 0x00, 0x00, 0x00,
        ];
        var packets = RtcpCompoundPacket.Parse(bytes);
        Assert.Equal(2, packets.Count);
        var sr = Assert.IsType<RtcpSenderReport>(packets[0]);
        Assert.Equal(1u, sr.Ssrc);
        Assert.Equal(0xE000000080000000UL, sr.NtpTimestamp);
        Assert.Equal(4096u, sr.RtpTimestamp);
        Assert.Equal(5u, sr.PacketCount);
        Assert.Equal(800u, sr.OctetCount);
        var block = Assert.Single(sr.Reports);
        Assert.Equal(new RtcpReportBlock(2, 0x40, -1, 0x10010, 7, 0x11223344, 9), block);
        var sdes = Assert.IsType<RtcpSourceDescription>(packets[1]);
        Assert.Equal("ab", sdes.Chunks[0].Items[0].Text);
        Assert.Equal(SdesItemType.CName, sdes.Chunks[0].Items[0].Type);
        Assert.Equal(bytes, RtcpCompoundPacket.Write(packets));
    }

    [Fact]
    public void Round_trips_a_compound_with_rr_bye_and_unknown()
    {
        RtcpPacket[] packets =
        [
            new RtcpReceiverReport(9, [new RtcpReportBlock(1, 2, 3, 4, 5, 6, 7), new RtcpReportBlock(8, 9, -10, 11, 12, 13, 14)]),
            RtcpSourceDescription.ForCName(9, "user@host"),
            new RtcpGoodbye([9, 10], "call ended"),
            new RtcpRawPacket(RtcpPacketType.PayloadFeedback, 1, [1, 2, 3, 4, 5, 6, 7, 8]),
        ];
        var bytes = RtcpCompoundPacket.Write(packets);
        Assert.Equal(0, bytes.Length % 4);
        Assert.True(RtcpCompoundPacket.LooksLikeRtcp(bytes));
        Assert.Equal(packets, RtcpCompoundPacket.Parse(bytes));
    }

    [Fact]
    public void Rejects_truncated_and_overlong_packets()
    {
        var bytes = RtcpCompoundPacket.Write([new RtcpReceiverReport(1, [new RtcpReportBlock(1, 2, 3, 4, 5, 6, 7)])]);
        Assert.False(RtcpCompoundPacket.TryParse(bytes.AsSpan(0, bytes.Length - 4), out _, out var error));
        Assert.Contains("exceeds", error);
        bytes[0] = 0x82; // claims two report blocks
        Assert.False(RtcpCompoundPacket.TryParse(bytes, out _, out error));
        Assert.Contains("blocks", error);
    }

    [Fact]
    public void Ntp_conversion_matches_the_unix_epoch_offset()
    {
        ulong ntp = RtcpSenderReport.ToNtpTimestamp(DateTimeOffset.FromUnixTimeSeconds(0).AddMilliseconds(500));
        Assert.Equal(2208988800UL, ntp >> 32);
        Assert.Equal(0x80000000UL, ntp & 0xFFFFFFFF);
    }

    [Property(MaxTest = 2000)]
    public void Random_bytes_never_throw(byte[] bytes)
    {
        if (bytes.Length > 1)
        {
            bytes[0] = (byte)(0x80 | bytes[0] & 0x3F);
            bytes[1] = (byte)(200 + bytes[1] % 8);
        }
        RtcpCompoundPacket.TryParse(bytes, out _, out _);
    }

    [Property]
    public void Sender_report_round_trips(uint ssrc, ulong ntp, uint ts, uint pc, uint oc, uint[] blockSsrcs, int lost, string cname)
    {
        cname = new string((cname ?? "").Where(c => c < 128).Take(100).ToArray());
        var sr = new RtcpSenderReport(ssrc, ntp, ts, pc, oc,
            blockSsrcs.Take(31).Select(s => new RtcpReportBlock(s, (byte)s, Math.Clamp(lost, -0x800000, 0x7FFFFF), s, s, s, s)).ToArray());
        RtcpPacket[] packets = [sr, RtcpSourceDescription.ForCName(ssrc, cname), new RtcpGoodbye([ssrc])];
        Assert.Equal(packets, RtcpCompoundPacket.Parse(RtcpCompoundPacket.Write(packets)));
    }
}
