using System.Buffers.Binary;

namespace Orchestrator.Media.Rtp;

/// <summary>Reads and writes RTCP compound packets: a sequence of RTCP packets in one datagram.</summary>
public static class RtcpCompoundPacket
{
    public static bool TryParse(ReadOnlySpan<byte> data, out IReadOnlyList<RtcpPacket> packets, out string error)
    {
        packets = [];
        var result = new List<RtcpPacket>();
        int offset = 0;
        if (data.Length < 4)
        {
            error = $"RTCP packet too short: {data.Length} bytes";
            return false;
        }
        while (offset < data.Length)
        {
            var rest = data[offset..];
            if (rest.Length < 4)
            {
                error = $"RTCP trailing {rest.Length} bytes do not form a header";
                return false;
            }
            if (rest[0] >> 6 != 2)
            {
                error = $"RTCP version {rest[0] >> 6} is not 2";
                return false;
            }
            int length = (BinaryPrimitives.ReadUInt16BigEndian(rest[2..]) + 1) * 4;
            if (length > rest.Length)
            {
                error = $"RTCP packet length {length} exceeds the {rest.Length} bytes left";
                return false;
            }
            int count = rest[0] & 0x1F;
            var body = rest[4..length];
            if ((rest[0] & 0x20) != 0)
            {
                // Padding is only legal on the last packet of a compound (RFC 3550 §6.4.1).
                int padding = body.Length == 0 ? 0 : body[^1];
                if (offset + length != data.Length || padding == 0 || padding > body.Length)
                {
                    error = "RTCP padding is invalid";
                    return false;
                }
                body = body[..^padding];
            }
            if (!TryParseOne(rest[1], count, body, out var packet, out error)) return false;
            result.Add(packet);
            offset += length;
        }
        packets = result;
        error = "";
        return true;
    }

    public static IReadOnlyList<RtcpPacket> Parse(ReadOnlySpan<byte> data) =>
        TryParse(data, out var packets, out var error) ? packets : throw new MediaParseException(error);

    private static bool TryParseOne(byte type, int count, ReadOnlySpan<byte> body, out RtcpPacket packet, out string error)
    {
        packet = null!;
        error = "";
        switch (type)
        {
            case RtcpPacketType.SenderReport:
                if (body.Length < 24 + count * RtcpReportBlock.Size)
                {
                    error = $"Sender report with {count} blocks needs {24 + count * RtcpReportBlock.Size} bytes, has {body.Length}";
                    return false;
                }
                packet = new RtcpSenderReport(
                    BinaryPrimitives.ReadUInt32BigEndian(body),
                    BinaryPrimitives.ReadUInt64BigEndian(body[4..]),
                    BinaryPrimitives.ReadUInt32BigEndian(body[12..]),
                    BinaryPrimitives.ReadUInt32BigEndian(body[16..]),
                    BinaryPrimitives.ReadUInt32BigEndian(body[20..]),
                    ReadBlocks(body[24..], count));
                return true;
            case RtcpPacketType.ReceiverReport:
                if (body.Length < 4 + count * RtcpReportBlock.Size)
                {
                    error = $"Receiver report with {count} blocks needs {4 + count * RtcpReportBlock.Size} bytes, has {body.Length}";
                    return false;
                }
                packet = new RtcpReceiverReport(BinaryPrimitives.ReadUInt32BigEndian(body), ReadBlocks(body[4..], count));
                return true;
            case RtcpPacketType.SourceDescription:
                if (!RtcpSourceDescription.TryReadBody(body, count, out var sdes, out error)) return false;
                packet = sdes;
                return true;
            case RtcpPacketType.Goodbye:
                if (!RtcpGoodbye.TryReadBody(body, count, out var bye, out error)) return false;
                packet = bye;
                return true;
            default:
                if (body.Length % 4 != 0)
                {
                    error = "RTCP body is not a whole number of words";
                    return false;
                }
                packet = new RtcpRawPacket(type, count, body.ToArray());
                return true;
        }
    }

    private static RtcpReportBlock[] ReadBlocks(ReadOnlySpan<byte> data, int count)
    {
        var blocks = new RtcpReportBlock[count];
        for (int i = 0; i < count; i++) blocks[i] = RtcpReportBlock.Read(data[(i * RtcpReportBlock.Size)..]);
        return blocks;
    }

    public static byte[] Write(IEnumerable<RtcpPacket> packets)
    {
        var list = packets.ToList();
        var buffer = new byte[list.Sum(p => p.Length)];
        int offset = 0;
        foreach (var packet in list) offset += packet.WriteTo(buffer.AsSpan(offset));
        return buffer;
    }

    /// <summary>True for an RTP/RTCP-range first byte whose second byte is an RTCP type (RFC 5761 §4).</summary>
    public static bool LooksLikeRtcp(ReadOnlySpan<byte> data) =>
        data.Length >= 4 && data[0] >> 6 == 2 && data[1] is >= 192 and <= 223;
}
