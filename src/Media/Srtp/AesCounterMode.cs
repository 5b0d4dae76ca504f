using System.Security.Cryptography;

namespace Orchestrator.Media.Srtp;

/// <summary>
/// AES in counter mode as RFC 3711 §4.1.1 defines it: the 128-bit IV with a 16-bit block counter
/// in its low bits, each counter block encrypted with AES-ECB to form the keystream. Keeps one ECB
/// transform and scratch buffers so the per-packet path allocates nothing. Not thread-safe: the
/// owning <see cref="SrtpContext"/> serialises use.
/// </summary>
internal sealed class AesCounterMode : IDisposable
{
    private readonly Aes _aes;
    private readonly ICryptoTransform _encryptor;
    private byte[] _counters = new byte[2048];
    private byte[] _keystream = new byte[2048];

    public AesCounterMode(ReadOnlySpan<byte> key)
    {
        _aes = Aes.Create();
        _aes.Key = key.ToArray();
        _aes.Mode = CipherMode.ECB;
        _aes.Padding = PaddingMode.None;
        _encryptor = _aes.CreateEncryptor();
    }

    /// <summary>Fills <paramref name="keystream"/> starting at block <paramref name="firstBlock"/>.</summary>
    public void Generate(ReadOnlySpan<byte> iv, int firstBlock, Span<byte> keystream)
    {
        int bytes = (keystream.Length + 15) & ~15;
        if (_counters.Length < bytes)
        {
            _counters = new byte[bytes];
            _keystream = new byte[bytes];
        }
        for (int offset = 0, counter = firstBlock; offset < bytes; offset += 16, counter++)
        {
            var block = _counters.AsSpan(offset, 16);
            iv.CopyTo(block);
            // The IV's low 16 bits are zero by construction, so adding the counter is XORing it in.
            block[14] ^= (byte)(counter >> 8);
            block[15] ^= (byte)counter;
        }
        _encryptor.TransformBlock(_counters, 0, bytes, _keystream, 0);
        _keystream.AsSpan(0, keystream.Length).CopyTo(keystream);
    }

    /// <summary>XORs the keystream into <paramref name="data"/> in place (encrypt and decrypt are the same).</summary>
    public void Apply(ReadOnlySpan<byte> iv, Span<byte> data)
    {
        if (data.IsEmpty) return;
        int bytes = (data.Length + 15) & ~15;
        Generate(iv, 0, _keystream.Length >= bytes ? _keystream.AsSpan(0, data.Length) : new byte[data.Length]);
        var keystream = _keystream.AsSpan(0, data.Length);
        for (int i = 0; i < data.Length; i++) data[i] ^= keystream[i];
    }

    public void Dispose()
    {
        _encryptor.Dispose();
        _aes.Dispose();
        CryptographicOperations.ZeroMemory(_keystream);
    }
}
