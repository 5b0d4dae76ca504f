namespace Orchestrator.Media.Rtp;

/// <summary>The RFC 3550 §5.3.1 header extension: a 16-bit profile word and 32-bit-aligned data.</summary>
public sealed record RtpHeaderExtension(ushort Profile, byte[] Data)
{
    public bool Equals(RtpHeaderExtension? other) =>
        other is not null && Profile == other.Profile && Data.AsSpan().SequenceEqual(other.Data);

    public override int GetHashCode() => HashCode.Combine(Profile, Data.Length);
}
