namespace Orchestrator.Media.Srtp;

/// <summary>An SRTP master key (16 bytes for AES-128) and master salt (14 bytes).</summary>
public sealed record SrtpMasterKey
{
    public const int KeyLength = 16;
    public const int SaltLength = 14;

    public SrtpMasterKey(byte[] key, byte[] salt)
    {
        if (key.Length != KeyLength) throw new ArgumentException($"master key must be {KeyLength} bytes", nameof(key));
        if (salt.Length != SaltLength) throw new ArgumentException($"master salt must be {SaltLength} bytes", nameof(salt));
        Key = key;
        Salt = salt;
    }

    public byte[] Key { get; }
    public byte[] Salt { get; }

    /// <summary>
    /// Splits the 60-byte DTLS-SRTP export (RFC 5764 §4.2: client key, server key, client salt,
    /// server salt) into the keys this side sends with and receives with.
    /// </summary>
    public static (SrtpMasterKey Local, SrtpMasterKey Remote) FromDtlsExport(ReadOnlySpan<byte> material, bool isServer)
    {
        if (material.Length != 2 * (KeyLength + SaltLength)) throw new ArgumentException("DTLS-SRTP export must be 60 bytes", nameof(material));
        var client = new SrtpMasterKey(material[..16].ToArray(), material.Slice(32, 14).ToArray());
        var server = new SrtpMasterKey(material.Slice(16, 16).ToArray(), material.Slice(46, 14).ToArray());
        return isServer ? (server, client) : (client, server);
    }

    public bool Equals(SrtpMasterKey? other) =>
        other is not null && Key.AsSpan().SequenceEqual(other.Key) && Salt.AsSpan().SequenceEqual(other.Salt);

    public override int GetHashCode() => HashCode.Combine(Key[0], Salt[0]);
}
