namespace Orchestrator.Media.Transport;

/// <summary>
/// RFC 7983 §7 demultiplexing: STUN 0–3, DTLS 20–63, RTP/RTCP 128–191; within the latter the
/// second byte 192–223 is an RTCP packet type (RFC 5761 §4), since RTP payload types that would
/// collide are not allowed with rtcp-mux.
/// </summary>
public static class DatagramClassifier
{
    public static DatagramKind Classify(ReadOnlySpan<byte> datagram)
    {
        if (datagram.IsEmpty) return DatagramKind.Unknown;
        byte first = datagram[0];
        return first switch
        {
            <= 3 => DatagramKind.Stun,
            >= 20 and <= 63 => DatagramKind.Dtls,
            >= 128 and <= 191 when datagram.Length >= 2 => datagram[1] is >= 192 and <= 223 ? DatagramKind.Rtcp : DatagramKind.Rtp,
            _ => DatagramKind.Unknown,
        };
    }
}
