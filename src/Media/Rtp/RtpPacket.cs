using System.Buffers.Binary;

namespace Orchestrator.Media.Rtp;

/// <summary>
/// An RTP packet (RFC 3550 §5.1). Immutable once built; the payload is copied on parse so a packet
/// can outlive the receive buffer it came from.
/// </summary>
public sealed class RtpPacket
{
    public const int FixedHeaderLength = 12;
    public const int MaxCsrcCount = 15;

    public bool Marker { get; init; }
    public byte PayloadType { get; init; }
    public ushort SequenceNumber { get; init; }
    public uint Timestamp { get; init; }
    public uint Ssrc { get; init; }
    public uint[] Csrcs { get; init; } = [];
    public RtpHeaderExtension? Extension { get; init; }
    public byte[] Payload { get; init; } = [];

    /// <summary>Padding bytes to append when writing (0 = no P bit). Includes the count byte itself.</summary>
    public byte PaddingLength { get; init; }

    public int HeaderLength => FixedHeaderLength + 4 * Csrcs.Length + (Extension is null ? 0 : 4 + Extension.Data.Length);

    public int Length => HeaderLength + Payload.Length + PaddingLength;

    /// <summary>True when the first bytes look like RTP version 2 (used before a full parse).</summary>
    public static bool LooksLikeRtp(ReadOnlySpan<byte> data) => data.Length >= FixedHeaderLength && data[0] >> 6 == 2;

    public static bool TryParse(ReadOnlySpan<byte> data, out RtpPacket packet, out string error)
    {
        packet = null!;
        if (data.Length < FixedHeaderLength)
        {
            error = $"RTP packet too short: {data.Length} bytes, need at least {FixedHeaderLength}";
            return false;
        }
        int version = data[0] >> 6;
        if (version != 2)
        {
            error = $"RTP version {version} is not 2";
            return false;
        }
        bool hasPadding = (data[0] & 0x20) != 0;
        bool hasExtension = (data[0] & 0x10) != 0;
        int csrcCount = data[0] & 0x0F;
        int offset = FixedHeaderLength;
        if (data.Length < offset + 4 * csrcCount)
        {
            error = $"RTP packet too short for {csrcCount} CSRCs";
            return false;
        }
        var csrcs = new uint[csrcCount];
        for (int i = 0; i < csrcCount; i++, offset += 4)
            csrcs[i] = BinaryPrimitives.ReadUInt32BigEndian(data[offset..]);

        RtpHeaderExtension? extension = null;
        if (hasExtension)
        {
            if (data.Length < offset + 4)
            {
                error = "RTP packet too short for its header extension";
                return false;
            }
            ushort profile = BinaryPrimitives.ReadUInt16BigEndian(data[offset..]);
            int words = BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 2)..]);
            offset += 4;
            if (data.Length < offset + 4 * words)
            {
                error = $"RTP header extension of {words} words runs past the packet end";
                return false;
            }
            extension = new RtpHeaderExtension(profile, data.Slice(offset, 4 * words).ToArray());
            offset += 4 * words;
        }

        int end = data.Length;
        byte paddingLength = 0;
        if (hasPadding)
        {
            paddingLength = data[^1];
            // The count includes itself, so zero is malformed (RFC 3550 §5.1).
            if (paddingLength == 0 || end - paddingLength < offset)
            {
                error = $"RTP padding length {paddingLength} is invalid";
                return false;
            }
            end -= paddingLength;
        }

        packet = new RtpPacket
        {
            Marker = (data[1] & 0x80) != 0,
            PayloadType = (byte)(data[1] & 0x7F),
            SequenceNumber = BinaryPrimitives.ReadUInt16BigEndian(data[2..]),
            Timestamp = BinaryPrimitives.ReadUInt32BigEndian(data[4..]),
            Ssrc = BinaryPrimitives.ReadUInt32BigEndian(data[8..]),
            Csrcs = csrcs,
            Extension = extension,
            Payload = data[offset..end].ToArray(),
            PaddingLength = paddingLength,
        };
        error = "";
        return true;
    }

    public static RtpPacket Parse(ReadOnlySpan<byte> data) =>
        TryParse(data, out var packet, out var error) ? packet : throw new MediaParseException(error);

    /// <summary>Writes the packet into <paramref name="destination"/> and returns the bytes written.</summary>
    public int WriteTo(Span<byte> destination)
    {
        if (Csrcs.Length > MaxCsrcCount) throw new InvalidOperationException($"At most {MaxCsrcCount} CSRCs");
        if (PayloadType > 127) throw new InvalidOperationException("Payload type must be 0..127");
        if (Extension is not null && (Extension.Data.Length % 4 != 0 || Extension.Data.Length / 4 > ushort.MaxValue))
            throw new InvalidOperationException("Header extension data must be a multiple of 4 bytes");
        int length = Length;
        if (destination.Length < length) throw new ArgumentException($"Destination needs {length} bytes", nameof(destination));

        destination[0] = (byte)(0x80 | (PaddingLength > 0 ? 0x20 : 0) | (Extension is null ? 0 : 0x10) | Csrcs.Length);
        destination[1] = (byte)((Marker ? 0x80 : 0) | PayloadType);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], SequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], Timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], Ssrc);
        int offset = FixedHeaderLength;
        foreach (var csrc in Csrcs)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination[offset..], csrc);
            offset += 4;
        }
        if (Extension is not null)
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination[offset..], Extension.Profile);
            BinaryPrimitives.WriteUInt16BigEndian(destination[(offset + 2)..], (ushort)(Extension.Data.Length / 4));
            Extension.Data.CopyTo(destination[(offset + 4)..]);
            offset += 4 + Extension.Data.Length;
        }
        Payload.CopyTo(destination[offset..]);
        offset += Payload.Length;
        if (PaddingLength > 0)
        {
            destination.Slice(offset, PaddingLength - 1).Clear();
            offset += PaddingLength;
            destination[offset - 1] = PaddingLength;
        }
        return offset;
    }

    public byte[] ToArray()
    {
        var buffer = new byte[Length];
        WriteTo(buffer);
        return buffer;
    }

    public override string ToString() =>
        $"RTP pt={PayloadType} seq={SequenceNumber} ts={Timestamp} ssrc={Ssrc:X8} m={(Marker ? 1 : 0)} len={Payload.Length}";
}
