using System.Security.Cryptography;

namespace Orchestrator.Media.Srtp;

/// <summary>RFC 3711 §4.3 key derivation with a key derivation rate of 0 (the only rate DTLS-SRTP uses).</summary>
public static class SrtpKeyDerivation
{
    public const byte RtpEncryption = 0;
    public const byte RtpAuthentication = 1;
    public const byte RtpSalt = 2;
    public const byte RtcpEncryption = 3;
    public const byte RtcpAuthentication = 4;
    public const byte RtcpSalt = 5;

    /// <summary>Derives <paramref name="length"/> bytes for a label: AES-CM keystream with IV = (salt XOR label·2^48)·2^16.</summary>
    public static byte[] Derive(SrtpMasterKey master, byte label, int length)
    {
        Span<byte> iv = stackalloc byte[16];
        master.Salt.CopyTo(iv);
        // key_id = label || r (48 bits, zero with KDR 0) sits right-aligned in the 112-bit salt.
        iv[7] ^= label;
        var output = new byte[length];
        using var cipher = new AesCounterMode(master.Key);
        cipher.Generate(iv, 0, output);
        return output;
    }
}

/// <summary>The session keys for one direction of RTP or RTCP.</summary>
internal sealed class SrtpSessionKeys : IDisposable
{
    public const int AuthKeyLength = 20;

    public SrtpSessionKeys(SrtpMasterKey master, bool rtcp)
    {
        byte labelBase = rtcp ? SrtpKeyDerivation.RtcpEncryption : SrtpKeyDerivation.RtpEncryption;
        var cipherKey = SrtpKeyDerivation.Derive(master, labelBase, 16);
        AuthKey = SrtpKeyDerivation.Derive(master, (byte)(labelBase + 1), AuthKeyLength);
        Salt = SrtpKeyDerivation.Derive(master, (byte)(labelBase + 2), 14);
        Cipher = new AesCounterMode(cipherKey);
        CryptographicOperations.ZeroMemory(cipherKey);
        Hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, AuthKey);
    }

    public AesCounterMode Cipher { get; }
    public byte[] AuthKey { get; }
    public byte[] Salt { get; }

    /// <summary>Reused for every packet so authentication allocates nothing.</summary>
    public IncrementalHash Hmac { get; }

    public void Dispose()
    {
        Cipher.Dispose();
        Hmac.Dispose();
        CryptographicOperations.ZeroMemory(AuthKey);
    }
}
