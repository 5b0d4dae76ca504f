using System.Buffers.Binary;

namespace Orchestrator.Media.Rtp;

/// <summary>RTCP packet types this library understands (RFC 3550 §12.1, RFC 4585).</summary>
public static class RtcpPacketType
{
    public const byte SenderReport = 200;
    public const byte ReceiverReport = 201;
    public const byte SourceDescription = 202;
    public const byte Goodbye = 203;
    public const byte ApplicationDefined = 204;
    public const byte TransportFeedback = 205;
    public const byte PayloadFeedback = 206;
}

/// <summary>
/// One packet of an RTCP compound. Each subtype knows its body; the common header (RFC 3550 §6.4.1)
/// is written here so the length field is always consistent with what is written.
/// </summary>
public abstract record RtcpPacket
{
    public abstract byte PacketType { get; }

    /// <summary>The 5-bit count field (report count, source count, or FMT for feedback).</summary>
    protected abstract int CountField { get; }

    /// <summary>Body length in bytes after the 4-byte header; always a multiple of 4.</summary>
    protected abstract int BodyLength { get; }

    protected abstract void WriteBody(Span<byte> body);

    public int Length => 4 + BodyLength;

    public int WriteTo(Span<byte> destination)
    {
        int length = Length;
        if (destination.Length < length) throw new ArgumentException($"Destination needs {length} bytes", nameof(destination));
        if (CountField is < 0 or > 31) throw new InvalidOperationException("RTCP count field must be 0..31");
        destination[0] = (byte)(0x80 | CountField);
        destination[1] = PacketType;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)(length / 4 - 1));
        WriteBody(destination.Slice(4, BodyLength));
        return length;
    }

    public byte[] ToArray()
    {
        var buffer = new byte[Length];
        WriteTo(buffer);
        return buffer;
    }
}

/// <summary>Any RTCP packet we do not model (APP, feedback, XR...): kept as raw body bytes.</summary>
public sealed record RtcpRawPacket(byte Type, int Count, byte[] Body) : RtcpPacket
{
    public override byte PacketType => Type;
    protected override int CountField => Count;
    protected override int BodyLength => Body.Length;
    protected override void WriteBody(Span<byte> body) => Body.CopyTo(body);

    public bool Equals(RtcpRawPacket? other) =>
        other is not null && Type == other.Type && Count == other.Count && Body.AsSpan().SequenceEqual(other.Body);

    public override int GetHashCode() => HashCode.Combine(Type, Count, Body.Length);
}
