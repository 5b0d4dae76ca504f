using System.Buffers.Binary;
using System.Text;

namespace Orchestrator.Media.Rtp;

/// <summary>SDES item types (RFC 3550 §6.5). CNAME is the only one WebRTC needs.</summary>
public static class SdesItemType
{
    public const byte End = 0;
    public const byte CName = 1;
    public const byte Name = 2;
    public const byte Email = 3;
    public const byte Phone = 4;
    public const byte Location = 5;
    public const byte Tool = 6;
    public const byte Note = 7;
    public const byte Private = 8;
}

public sealed record SdesItem(byte Type, string Text);

public sealed record SdesChunk(uint Ssrc, IReadOnlyList<SdesItem> Items)
{
    public bool Equals(SdesChunk? other) => other is not null && Ssrc == other.Ssrc && Items.SequenceEqual(other.Items);
    public override int GetHashCode() => HashCode.Combine(Ssrc, Items.Count);

    /// <summary>SSRC + items + the terminating zero, padded to a 32-bit boundary (at least one zero byte).</summary>
    internal int Length
    {
        get
        {
            int length = 4;
            foreach (var item in Items) length += 2 + Encoding.UTF8.GetByteCount(item.Text);
            return (length + 1 + 3) & ~3;
        }
    }
}

/// <summary>Source description (PT 202).</summary>
public sealed record RtcpSourceDescription(IReadOnlyList<SdesChunk> Chunks) : RtcpPacket
{
    public override byte PacketType => RtcpPacketType.SourceDescription;
    protected override int CountField => Chunks.Count;
    protected override int BodyLength => Chunks.Sum(c => c.Length);

    public static RtcpSourceDescription ForCName(uint ssrc, string cname) => new([new SdesChunk(ssrc, [new SdesItem(SdesItemType.CName, cname)])]);

    protected override void WriteBody(Span<byte> body)
    {
        body.Clear();
        int offset = 0;
        foreach (var chunk in Chunks)
        {
            int start = offset;
            BinaryPrimitives.WriteUInt32BigEndian(body[offset..], chunk.Ssrc);
            offset += 4;
            foreach (var item in chunk.Items)
            {
                int written = Encoding.UTF8.GetBytes(item.Text, body[(offset + 2)..]);
                if (written > 255) throw new InvalidOperationException("SDES item text is limited to 255 bytes");
                body[offset] = item.Type;
                body[offset + 1] = (byte)written;
                offset += 2 + written;
            }
            offset = start + chunk.Length; // the zero terminator and padding are already cleared
        }
    }

    internal static bool TryReadBody(ReadOnlySpan<byte> body, int count, out RtcpSourceDescription packet, out string error)
    {
        packet = null!;
        var chunks = new List<SdesChunk>(count);
        int offset = 0;
        for (int c = 0; c < count; c++)
        {
            if (body.Length < offset + 4)
            {
                error = "SDES chunk runs past the packet end";
                return false;
            }
            uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(body[offset..]);
            offset += 4;
            var items = new List<SdesItem>();
            while (true)
            {
                if (offset >= body.Length)
                {
                    error = "SDES chunk has no terminating null item";
                    return false;
                }
                byte type = body[offset];
                if (type == SdesItemType.End)
                {
                    offset = (offset + 1 + 3) & ~3; // skip the terminator and padding to the next word
                    break;
                }
                if (offset + 2 > body.Length || offset + 2 + body[offset + 1] > body.Length)
                {
                    error = "SDES item runs past the packet end";
                    return false;
                }
                int length = body[offset + 1];
                items.Add(new SdesItem(type, Encoding.UTF8.GetString(body.Slice(offset + 2, length))));
                offset += 2 + length;
            }
            chunks.Add(new SdesChunk(ssrc, items));
        }
        packet = new RtcpSourceDescription(chunks);
        error = "";
        return true;
    }

    public bool Equals(RtcpSourceDescription? other) => other is not null && Chunks.SequenceEqual(other.Chunks);
    public override int GetHashCode() => Chunks.Count;
}
