using System.Buffers.Binary;

namespace Orchestrator.Media.Rtp;

/// <summary>Sender report (PT 200). The NTP timestamp is the raw 64-bit 32.32 fixed-point value.</summary>
public sealed record RtcpSenderReport(
    uint Ssrc,
    ulong NtpTimestamp,
    uint RtpTimestamp,
    uint PacketCount,
    uint OctetCount,
    IReadOnlyList<RtcpReportBlock> Reports) : RtcpPacket
{
    public override byte PacketType => RtcpPacketType.SenderReport;
    protected override int CountField => Reports.Count;
    protected override int BodyLength => 24 + RtcpReportBlock.Size * Reports.Count;

    /// <summary>The middle 32 bits of the NTP timestamp, as echoed in a receiver's LSR field.</summary>
    public uint CompactNtp => (uint)(NtpTimestamp >> 16);

    protected override void WriteBody(Span<byte> body)
    {
        BinaryPrimitives.WriteUInt32BigEndian(body, Ssrc);
        BinaryPrimitives.WriteUInt64BigEndian(body[4..], NtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(body[12..], RtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(body[16..], PacketCount);
        BinaryPrimitives.WriteUInt32BigEndian(body[20..], OctetCount);
        for (int i = 0; i < Reports.Count; i++) Reports[i].Write(body[(24 + i * RtcpReportBlock.Size)..]);
    }

    public bool Equals(RtcpSenderReport? other) =>
        other is not null && Ssrc == other.Ssrc && NtpTimestamp == other.NtpTimestamp && RtpTimestamp == other.RtpTimestamp
        && PacketCount == other.PacketCount && OctetCount == other.OctetCount && Reports.SequenceEqual(other.Reports);

    public override int GetHashCode() => HashCode.Combine(Ssrc, NtpTimestamp, RtpTimestamp, Reports.Count);

    /// <summary>Converts wall-clock time to the NTP 32.32 format used in sender reports.</summary>
    public static ulong ToNtpTimestamp(DateTimeOffset time)
    {
        var sinceEra = time.UtcDateTime - new DateTime(1900, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        ulong seconds = (ulong)sinceEra.Ticks / TimeSpan.TicksPerSecond;
        ulong fraction = ((ulong)sinceEra.Ticks % TimeSpan.TicksPerSecond << 32) / TimeSpan.TicksPerSecond;
        return seconds << 32 | fraction;
    }
}

/// <summary>Receiver report (PT 201).</summary>
public sealed record RtcpReceiverReport(uint Ssrc, IReadOnlyList<RtcpReportBlock> Reports) : RtcpPacket
{
    public override byte PacketType => RtcpPacketType.ReceiverReport;
    protected override int CountField => Reports.Count;
    protected override int BodyLength => 4 + RtcpReportBlock.Size * Reports.Count;

    protected override void WriteBody(Span<byte> body)
    {
        BinaryPrimitives.WriteUInt32BigEndian(body, Ssrc);
        for (int i = 0; i < Reports.Count; i++) Reports[i].Write(body[(4 + i * RtcpReportBlock.Size)..]);
    }

    public bool Equals(RtcpReceiverReport? other) =>
        other is not null && Ssrc == other.Ssrc && Reports.SequenceEqual(other.Reports);

    public override int GetHashCode() => HashCode.Combine(Ssrc, Reports.Count);
}
