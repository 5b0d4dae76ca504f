using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Orchestrator.Media.Rtp;

/// <summary>
/// The sending side of one RTP stream: owns the SSRC, the sequence counter and the media clock.
/// Sequence and timestamp start at random values (RFC 3550 §5.1) unless given, for tests.
/// Not thread-safe.
/// </summary>
public sealed class RtpPacketizer
{
    private bool _markNext = true;

    public RtpPacketizer(byte payloadType, int clockRate, int samplesPerFrame, uint? ssrc = null, ushort? initialSequence = null, uint? initialTimestamp = null)
    {
        if (payloadType > 127) throw new ArgumentOutOfRangeException(nameof(payloadType));
        if (clockRate <= 0) throw new ArgumentOutOfRangeException(nameof(clockRate));
        if (samplesPerFrame <= 0) throw new ArgumentOutOfRangeException(nameof(samplesPerFrame));
        PayloadType = payloadType;
        ClockRate = clockRate;
        SamplesPerFrame = samplesPerFrame;
        Ssrc = ssrc ?? RandomUInt32();
        NextSequence = initialSequence ?? (ushort)RandomNumberGenerator.GetInt32(0, 0x10000);
        Timestamp = initialTimestamp ?? RandomUInt32();
    }

    /// <summary>A packetizer for 20 ms frames at the given clock rate.</summary>
    public static RtpPacketizer For20MsFrames(byte payloadType, int clockRate, uint? ssrc = null) =>
        new(payloadType, clockRate, clockRate / 50, ssrc);

    public byte PayloadType { get; }
    public int ClockRate { get; }
    public int SamplesPerFrame { get; }
    public uint Ssrc { get; }
    public ushort NextSequence { get; private set; }

    /// <summary>The RTP timestamp the next frame will carry.</summary>
    public uint Timestamp { get; private set; }

    public long PacketsSent { get; private set; }
    public long OctetsSent { get; private set; }

    /// <summary>Builds the packet for one frame and advances sequence and timestamp by one frame.</summary>
    public RtpPacket Packetize(ReadOnlySpan<byte> payload)
    {
        var packet = Next(PayloadType, Timestamp, payload, _markNext);
        _markNext = false;
        Timestamp += (uint)SamplesPerFrame;
        return packet;
    }

    /// <summary>
    /// The allocation-free twin of <see cref="Packetize"/> for the paced hot path: writes the next
    /// frame's packet (fixed header, no CSRC or extension) straight into <paramref name="destination"/>
    /// and returns its length.
    /// </summary>
    public int WriteFrame(ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        int length = RtpPacket.FixedHeaderLength + payload.Length;
        if (destination.Length < length) throw new ArgumentException($"need {length} bytes, have {destination.Length}", nameof(destination));
        destination[0] = 0x80; // version 2, no padding, no extension, no CSRC
        destination[1] = (byte)((_markNext ? 0x80 : 0) | PayloadType);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], NextSequence++);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], Timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], Ssrc);
        payload.CopyTo(destination[RtpPacket.FixedHeaderLength..]);
        _markNext = false;
        Timestamp += (uint)SamplesPerFrame;
        PacketsSent++;
        OctetsSent += payload.Length;
        return length;
    }

    /// <summary>
    /// Marks the start of a talkspurt: the next frame gets the marker bit (RFC 3551 §4.1), e.g.
    /// after silence in which no packets were sent.
    /// </summary>
    public void StartTalkspurt() => _markNext = true;

    /// <summary>Advances the media clock without sending, for silence that is not transmitted.</summary>
    public void Skip(int samples) => Timestamp += (uint)samples;

    /// <summary>
    /// Builds a packet with an explicit payload type and timestamp sharing this stream's sequence
    /// space and SSRC, as RFC 4733 events do. Does not advance the media clock.
    /// </summary>
    public RtpPacket Next(byte payloadType, uint timestamp, ReadOnlySpan<byte> payload, bool marker)
    {
        var packet = new RtpPacket
        {
            Marker = marker,
            PayloadType = payloadType,
            SequenceNumber = NextSequence++,
            Timestamp = timestamp,
            Ssrc = Ssrc,
            Payload = payload.ToArray(),
        };
        PacketsSent++;
        OctetsSent += payload.Length;
        return packet;
    }

    /// <summary>
    /// A sender report for this stream. The RTP timestamp is the media clock's current position,
    /// paired with <paramref name="wallClock"/>, which is what receivers use for lip sync and RTT.
    /// </summary>
    public RtcpSenderReport CreateSenderReport(DateTimeOffset wallClock, IReadOnlyList<RtcpReportBlock>? reports = null) =>
        new(Ssrc, RtcpSenderReport.ToNtpTimestamp(wallClock), Timestamp, (uint)PacketsSent, (uint)OctetsSent, reports ?? []);

    private static uint RandomUInt32()
    {
        Span<byte> bytes = stackalloc byte[4];
        RandomNumberGenerator.Fill(bytes);
        return BitConverter.ToUInt32(bytes);
    }
}
