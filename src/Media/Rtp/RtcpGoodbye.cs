using System.Buffers.Binary;
using System.Text;

namespace Orchestrator.Media.Rtp;

/// <summary>BYE (PT 203): the sources leaving, with an optional reason.</summary>
public sealed record RtcpGoodbye(IReadOnlyList<uint> Ssrcs, string? Reason = null) : RtcpPacket
{
    public override byte PacketType => RtcpPacketType.Goodbye;
    protected override int CountField => Ssrcs.Count;

    protected override int BodyLength =>
        4 * Ssrcs.Count + (Reason is null ? 0 : (1 + Encoding.UTF8.GetByteCount(Reason) + 3) & ~3);

    protected override void WriteBody(Span<byte> body)
    {
        body.Clear();
        for (int i = 0; i < Ssrcs.Count; i++) BinaryPrimitives.WriteUInt32BigEndian(body[(4 * i)..], Ssrcs[i]);
        if (Reason is not null)
        {
            int offset = 4 * Ssrcs.Count;
            int written = Encoding.UTF8.GetBytes(Reason, body[(offset + 1)..]);
            if (written > 255) throw new InvalidOperationException("BYE reason is limited to 255 bytes");
            body[offset] = (byte)written;
        }
    }

    internal static bool TryReadBody(ReadOnlySpan<byte> body, int count, out RtcpGoodbye packet, out string error)
    {
        packet = null!;
        if (body.Length < 4 * count)
        {
            error = $"BYE lists {count} sources but has only {body.Length} bytes";
            return false;
        }
        var ssrcs = new uint[count];
        for (int i = 0; i < count; i++) ssrcs[i] = BinaryPrimitives.ReadUInt32BigEndian(body[(4 * i)..]);
        string? reason = null;
        int offset = 4 * count;
        if (body.Length > offset)
        {
            int length = body[offset];
            if (offset + 1 + length > body.Length)
            {
                error = "BYE reason runs past the packet end";
                return false;
            }
            reason = Encoding.UTF8.GetString(body.Slice(offset + 1, length));
        }
        packet = new RtcpGoodbye(ssrcs, reason);
        error = "";
        return true;
    }

    public bool Equals(RtcpGoodbye? other) => other is not null && Ssrcs.SequenceEqual(other.Ssrcs) && Reason == other.Reason;
    public override int GetHashCode() => HashCode.Combine(Ssrcs.Count, Reason);
}
