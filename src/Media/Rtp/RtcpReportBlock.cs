using System.Buffers.Binary;

namespace Orchestrator.Media.Rtp;

/// <summary>A reception report block (RFC 3550 §6.4.1), 24 bytes on the wire.</summary>
public readonly record struct RtcpReportBlock(
    uint Ssrc,
    byte FractionLost,
    int CumulativeLost,
    uint ExtendedHighestSequence,
    uint Jitter,
    uint LastSenderReport,
    uint DelaySinceLastSenderReport)
{
    public const int Size = 24;

    /// <summary>Cumulative lost is a signed 24-bit field (duplicates can make it negative).</summary>
    public const int MinCumulativeLost = -0x800000;
    public const int MaxCumulativeLost = 0x7FFFFF;

    internal static RtcpReportBlock Read(ReadOnlySpan<byte> data)
    {
        int lost = (data[5] << 16) | (data[6] << 8) | data[7];
        if ((lost & 0x800000) != 0) lost |= unchecked((int)0xFF000000);
        return new RtcpReportBlock(
            BinaryPrimitives.ReadUInt32BigEndian(data),
            data[4],
            lost,
            BinaryPrimitives.ReadUInt32BigEndian(data[8..]),
            BinaryPrimitives.ReadUInt32BigEndian(data[12..]),
            BinaryPrimitives.ReadUInt32BigEndian(data[16..]),
            BinaryPrimitives.ReadUInt32BigEndian(data[20..]));
    }

    internal void Write(Span<byte> data)
    {
        int lost = Math.Clamp(CumulativeLost, MinCumulativeLost, MaxCumulativeLost);
        BinaryPrimitives.WriteUInt32BigEndian(data, Ssrc);
        data[4] = FractionLost;
        data[5] = (byte)(lost >> 16);
        data[6] = (byte)(lost >> 8);
        data[7] = (byte)lost;
        BinaryPrimitives.WriteUInt32BigEndian(data[8..], ExtendedHighestSequence);
        BinaryPrimitives.WriteUInt32BigEndian(data[12..], Jitter);
        BinaryPrimitives.WriteUInt32BigEndian(data[16..], LastSenderReport);
        BinaryPrimitives.WriteUInt32BigEndian(data[20..], DelaySinceLastSenderReport);
    }
}
