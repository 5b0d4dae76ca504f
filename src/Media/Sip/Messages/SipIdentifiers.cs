using System.Security.Cryptography;

namespace Orchestrator.Media.Sip.Messages;

/// <summary>
/// Tags, branches and Call-IDs. RFC 3261 §19.3 wants tags globally unique and cryptographically
/// random (≥ 32 bits) and branches unique in space and time, so every identifier is drawn from the
/// OS CSPRNG, but in bulk: each thread keeps a buffer of random bytes refilled a few hundred
/// identifiers at a time, instead of one RNG call and one byte array per identifier (four to six of
/// them per call set-up).
/// </summary>
public static class SipIdentifiers
{
    private const int BufferBytes = 4096;

    [ThreadStatic] private static byte[]? t_buffer;
    [ThreadStatic] private static int t_used;

    /// <summary>64 random bits as 16 hex digits.</summary>
    public static string NewTag() => Hex(8, prefix: null, suffix: null);

    /// <summary>The RFC 3261 magic cookie and 80 random bits.</summary>
    public static string NewBranch() => Hex(10, SipVia.MagicCookie, suffix: null);

    /// <summary>96 random bits as hex, then <c>@host</c>.</summary>
    public static string NewCallId(string host) => Hex(12, prefix: null, suffix: "@" + host);

    private static string Hex(int bytes, string? prefix, string? suffix)
    {
        var random = Take(bytes);
        int length = (prefix?.Length ?? 0) + bytes * 2 + (suffix?.Length ?? 0);
        return string.Create(length, (prefix, suffix, random), static (chars, s) =>
        {
            int at = 0;
            if (s.prefix is not null)
            {
                s.prefix.CopyTo(chars);
                at = s.prefix.Length;
            }
            Convert.TryToHexStringLower(s.random.Span, chars[at..], out int written);
            at += written;
            s.suffix?.CopyTo(chars[at..]);
        });
    }

    private static ReadOnlyMemory<byte> Take(int bytes)
    {
        var buffer = t_buffer ??= new byte[BufferBytes];
        if (t_used == 0 || t_used + bytes > BufferBytes)
        {
            RandomNumberGenerator.Fill(buffer);
            t_used = 0;
        }
        var slice = new ReadOnlyMemory<byte>(buffer, t_used, bytes);
        t_used += bytes;
        return slice;
    }
}
