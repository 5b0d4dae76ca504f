using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Orchestrator.Media.Srtp;

/// <summary>
/// One direction of an SRTP/SRTCP session with AES_CM_128_HMAC_SHA1_80 (RFC 3711): use one context
/// to protect what this side sends and another to unprotect what it receives. Packets are
/// transformed in place in the caller's buffer, which must have room for the trailer
/// (<see cref="RtpOverhead"/> / <see cref="RtcpOverhead"/> bytes) when protecting.
/// Per-SSRC state (rollover counter, highest sequence, replay window, SRTCP index) lives here; a
/// lock makes accidental concurrent use safe, though one thread per direction is the intended use.
/// </summary>
public sealed class SrtpContext : IDisposable
{
    public const int AuthTagLength = 10;
    public const int RtpOverhead = AuthTagLength;
    public const int RtcpOverhead = 4 + AuthTagLength;
    private const int RtpHeaderLength = 12;
    private const int RtcpHeaderLength = 8;
    private const uint SrtcpEncryptedFlag = 0x80000000;

    private readonly SrtpSessionKeys _rtpKeys;
    private readonly SrtpSessionKeys _rtcpKeys;
    private readonly Dictionary<uint, RtpStream> _rtpStreams = new();
    private readonly Dictionary<uint, RtcpStream> _rtcpStreams = new();
    private readonly Lock _lock = new();

    public SrtpContext(SrtpMasterKey masterKey)
    {
        _rtpKeys = new SrtpSessionKeys(masterKey, rtcp: false);
        _rtcpKeys = new SrtpSessionKeys(masterKey, rtcp: true);
    }

    private sealed class RtpStream
    {
        public uint Roc;
        public ushort HighestSequence;
        public ReplayWindow Replay;
    }

    private sealed class RtcpStream
    {
        public uint NextIndex;
        public ReplayWindow Replay;
    }

    /// <summary>Encrypts and authenticates the RTP packet in <c>buffer[..length]</c>; the result is <c>buffer[..protectedLength]</c>.</summary>
    public SrtpResult ProtectRtp(Span<byte> buffer, int length, out int protectedLength)
    {
        protectedLength = 0;
        if (length < 0 || length > buffer.Length || !TryGetRtpHeaderLength(buffer[..length], out int headerLength)) return SrtpResult.MalformedPacket;
        if (buffer.Length < length + RtpOverhead) return SrtpResult.BufferTooSmall;
        uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[8..]);
        ushort sequence = BinaryPrimitives.ReadUInt16BigEndian(buffer[2..]);
        lock (_lock)
        {
            uint roc;
            if (!_rtpStreams.TryGetValue(ssrc, out var stream))
            {
                _rtpStreams[ssrc] = new RtpStream { Roc = 0, HighestSequence = sequence };
                roc = 0;
            }
            else
            {
                long v = EstimateRoc(stream, sequence);
                if (v < 0) return SrtpResult.PacketTooOld;
                roc = (uint)v;
                Advance(stream, roc, sequence);
            }
            long index = ((long)roc << 16) | sequence;
            Encrypt(_rtpKeys, ssrc, index, buffer[headerLength..length]);
            Authenticate(_rtpKeys, buffer[..length], roc, buffer.Slice(length, AuthTagLength));
        }
        protectedLength = length + RtpOverhead;
        return SrtpResult.Ok;
    }

    /// <summary>Verifies and decrypts the SRTP packet in <c>buffer[..length]</c>; the RTP packet is <c>buffer[..plainLength]</c>.</summary>
    public SrtpResult UnprotectRtp(Span<byte> buffer, int length, out int plainLength)
    {
        plainLength = 0;
        if (length > buffer.Length || length < RtpHeaderLength + AuthTagLength) return SrtpResult.MalformedPacket;
        int authenticated = length - AuthTagLength;
        if (!TryGetRtpHeaderLength(buffer[..authenticated], out int headerLength)) return SrtpResult.MalformedPacket;
        uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[8..]);
        ushort sequence = BinaryPrimitives.ReadUInt16BigEndian(buffer[2..]);
        lock (_lock)
        {
            _rtpStreams.TryGetValue(ssrc, out var stream);
            long v = stream is null ? 0 : EstimateRoc(stream, sequence);
            if (v < 0) return SrtpResult.PacketTooOld;
            uint roc = (uint)v;
            long index = ((long)roc << 16) | sequence;
            if (stream is not null)
            {
                var replay = stream.Replay.Check(index);
                if (replay != SrtpResult.Ok) return replay;
            }
            Span<byte> tag = stackalloc byte[AuthTagLength];
            Authenticate(_rtpKeys, buffer[..authenticated], roc, tag);
            if (!CryptographicOperations.FixedTimeEquals(tag, buffer.Slice(authenticated, AuthTagLength))) return SrtpResult.AuthenticationFailed;
            Encrypt(_rtpKeys, ssrc, index, buffer[headerLength..authenticated]);
            // Only authenticated packets move the rollover counter and the replay window.
            if (stream is null) _rtpStreams[ssrc] = stream = new RtpStream { Roc = 0, HighestSequence = sequence };
            else Advance(stream, roc, sequence);
            stream.Replay.Accept(index);
        }
        plainLength = authenticated;
        return SrtpResult.Ok;
    }

    /// <summary>Encrypts an RTCP compound packet and appends E||SRTCP index and the tag.</summary>
    public SrtpResult ProtectRtcp(Span<byte> buffer, int length, out int protectedLength)
    {
        protectedLength = 0;
        if (length > buffer.Length || length < RtcpHeaderLength) return SrtpResult.MalformedPacket;
        if (buffer.Length < length + RtcpOverhead) return SrtpResult.BufferTooSmall;
        uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[4..]);
        lock (_lock)
        {
            if (!_rtcpStreams.TryGetValue(ssrc, out var stream)) _rtcpStreams[ssrc] = stream = new RtcpStream();
            uint index = stream.NextIndex;
            stream.NextIndex = (index + 1) & 0x7FFFFFFF;
            Encrypt(_rtcpKeys, ssrc, index, buffer[RtcpHeaderLength..length]);
            BinaryPrimitives.WriteUInt32BigEndian(buffer[length..], SrtcpEncryptedFlag | index);
            Authenticate(_rtcpKeys, buffer[..(length + 4)], null, buffer.Slice(length + 4, AuthTagLength));
        }
        protectedLength = length + RtcpOverhead;
        return SrtpResult.Ok;
    }

    /// <summary>Verifies and (if the E bit is set) decrypts an SRTCP packet in place.</summary>
    public SrtpResult UnprotectRtcp(Span<byte> buffer, int length, out int plainLength)
    {
        plainLength = 0;
        if (length > buffer.Length || length < RtcpHeaderLength + RtcpOverhead) return SrtpResult.MalformedPacket;
        int authenticated = length - AuthTagLength;
        uint word = BinaryPrimitives.ReadUInt32BigEndian(buffer[(authenticated - 4)..]);
        uint index = word & 0x7FFFFFFF;
        bool encrypted = (word & SrtcpEncryptedFlag) != 0;
        uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[4..]);
        lock (_lock)
        {
            _rtcpStreams.TryGetValue(ssrc, out var stream);
            if (stream is not null)
            {
                var replay = stream.Replay.Check(index);
                if (replay != SrtpResult.Ok) return replay;
            }
            Span<byte> tag = stackalloc byte[AuthTagLength];
            Authenticate(_rtcpKeys, buffer[..authenticated], null, tag);
            if (!CryptographicOperations.FixedTimeEquals(tag, buffer.Slice(authenticated, AuthTagLength))) return SrtpResult.AuthenticationFailed;
            if (encrypted) Encrypt(_rtcpKeys, ssrc, index, buffer[RtcpHeaderLength..(authenticated - 4)]);
            if (stream is null) _rtcpStreams[ssrc] = stream = new RtcpStream();
            stream.Replay.Accept(index);
        }
        plainLength = authenticated - 4;
        return SrtpResult.Ok;
    }

    /// <summary>Convenience copy-out forms for callers off the hot path.</summary>
    public byte[] ProtectRtp(ReadOnlySpan<byte> packet) => Copy(packet, RtpOverhead, ProtectRtp);

    public byte[] UnprotectRtp(ReadOnlySpan<byte> packet) => Copy(packet, 0, UnprotectRtp);

    public byte[] ProtectRtcp(ReadOnlySpan<byte> packet) => Copy(packet, RtcpOverhead, ProtectRtcp);

    public byte[] UnprotectRtcp(ReadOnlySpan<byte> packet) => Copy(packet, 0, UnprotectRtcp);

    private delegate SrtpResult Transform(Span<byte> buffer, int length, out int outputLength);

    private static byte[] Copy(ReadOnlySpan<byte> packet, int extra, Transform transform)
    {
        var buffer = new byte[packet.Length + extra];
        packet.CopyTo(buffer);
        var result = transform(buffer, packet.Length, out int length);
        if (result != SrtpResult.Ok) throw new SrtpException(result);
        return buffer[..length];
    }

    /// <summary>RFC 3711 §3.3.1: the ROC guess that puts this sequence number closest to the highest seen.</summary>
    private static long EstimateRoc(RtpStream stream, ushort sequence)
    {
        long roc = stream.Roc;
        int highest = stream.HighestSequence;
        if (highest < 0x8000) return sequence - highest > 0x8000 ? roc - 1 : roc;
        return highest - 0x8000 > sequence ? roc + 1 : roc;
    }

    private static void Advance(RtpStream stream, uint roc, ushort sequence)
    {
        if (roc == stream.Roc + 1)
        {
            stream.Roc = roc;
            stream.HighestSequence = sequence;
        }
        else if (roc == stream.Roc && sequence > stream.HighestSequence)
        {
            stream.HighestSequence = sequence;
        }
    }

    private static void Encrypt(SrtpSessionKeys keys, uint ssrc, long index, Span<byte> data)
    {
        if (data.IsEmpty) return;
        // IV = (k_s·2^16) XOR (SSRC·2^64) XOR (i·2^16), RFC 3711 §4.1.1.
        Span<byte> iv = stackalloc byte[16];
        iv.Clear();
        keys.Salt.CopyTo(iv);
        iv[4] ^= (byte)(ssrc >> 24);
        iv[5] ^= (byte)(ssrc >> 16);
        iv[6] ^= (byte)(ssrc >> 8);
        iv[7] ^= (byte)ssrc;
        for (int i = 0; i < 6; i++) iv[13 - i] ^= (byte)(index >> (8 * i));
        keys.Cipher.Apply(iv, data);
    }

    private static void Authenticate(SrtpSessionKeys keys, ReadOnlySpan<byte> data, uint? roc, Span<byte> tag)
    {
        keys.Hmac.AppendData(data);
        if (roc is uint r)
        {
            Span<byte> rocBytes = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(rocBytes, r);
            keys.Hmac.AppendData(rocBytes);
        }
        Span<byte> digest = stackalloc byte[20];
        keys.Hmac.GetHashAndReset(digest);
        digest[..tag.Length].CopyTo(tag);
    }

    private static bool TryGetRtpHeaderLength(ReadOnlySpan<byte> packet, out int headerLength)
    {
        headerLength = 0;
        if (packet.Length < RtpHeaderLength || packet[0] >> 6 != 2) return false;
        int length = RtpHeaderLength + 4 * (packet[0] & 0x0F);
        if ((packet[0] & 0x10) != 0)
        {
            if (packet.Length < length + 4) return false;
            length += 4 + 4 * BinaryPrimitives.ReadUInt16BigEndian(packet[(length + 2)..]);
        }
        if (length > packet.Length) return false;
        headerLength = length;
        return true;
    }

    public void Dispose()
    {
        _rtpKeys.Dispose();
        _rtcpKeys.Dispose();
    }
}

public sealed class SrtpException(SrtpResult result) : Exception($"SRTP transform failed: {result}")
{
    public SrtpResult Result { get; } = result;
}
