namespace Orchestrator.Media.Stun;

/// <summary>One TLV attribute; the value excludes padding.</summary>
public sealed record StunAttribute(ushort Type, byte[] Value)
{
    public bool Equals(StunAttribute? other) => other is not null && Type == other.Type && Value.AsSpan().SequenceEqual(other.Value);
    public override int GetHashCode() => HashCode.Combine(Type, Value.Length);

    /// <summary>Attributes below 0x8000 must be understood (RFC 8489 §14).</summary>
    public bool IsComprehensionRequired => Type < 0x8000;
}
