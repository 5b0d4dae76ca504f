using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Orchestrator.Media.Stun;

/// <summary>
/// A STUN message (RFC 8489). Build one with attributes and <see cref="Write"/> it (optionally
/// adding MESSAGE-INTEGRITY and FINGERPRINT), or parse received bytes; a parsed message keeps its
/// raw bytes so integrity and fingerprint can be checked over exactly what was received.
/// </summary>
public sealed class StunMessage
{
    public const int HeaderLength = 20;
    public const uint MagicCookie = 0x2112A442;
    public const uint FingerprintXor = 0x5354554E;
    private const int IntegrityLength = 20;

    private byte[]? _raw;
    private int _integrityOffset = -1;
    private int _fingerprintOffset = -1;

    public StunMessage(ushort method, StunClass messageClass, byte[]? transactionId = null)
    {
        if (method > 0xFFF) throw new ArgumentOutOfRangeException(nameof(method));
        if (transactionId is not null && transactionId.Length != 12) throw new ArgumentException("transaction id is 12 bytes", nameof(transactionId));
        Method = method;
        Class = messageClass;
        TransactionId = transactionId ?? RandomNumberGenerator.GetBytes(12);
    }

    public ushort Method { get; }
    public StunClass Class { get; }
    public byte[] TransactionId { get; }
    public List<StunAttribute> Attributes { get; } = [];

    /// <summary>
    /// Byte used to pad attribute values to 32 bits when writing. Receivers must ignore padding
    /// content; the RFC 5769 vectors pad with spaces, so tests reproduce them byte for byte.
    /// </summary>
    public byte PaddingByte { get; init; }

    public bool HasMessageIntegrity => _integrityOffset >= 0;
    public bool HasFingerprint => _fingerprintOffset >= 0;

    public static ushort EncodeType(ushort method, StunClass messageClass)
    {
        int c = (int)messageClass;
        return (ushort)((method & 0x000F) | ((method & 0x0070) << 1) | ((method & 0x0F80) << 2) | ((c & 1) << 4) | ((c & 2) << 7));
    }

    /// <summary>True when the bytes have a STUN header with the RFC 5389 magic cookie.</summary>
    public static bool IsStun(ReadOnlySpan<byte> data) =>
        data.Length >= HeaderLength && (data[0] & 0xC0) == 0 && BinaryPrimitives.ReadUInt32BigEndian(data[4..]) == MagicCookie;

    public static bool TryParse(ReadOnlySpan<byte> data, out StunMessage message, out string error)
    {
        message = null!;
        if (data.Length < HeaderLength)
        {
            error = $"STUN message too short: {data.Length} bytes";
            return false;
        }
        if ((data[0] & 0xC0) != 0)
        {
            error = "STUN message type has the top two bits set";
            return false;
        }
        if (BinaryPrimitives.ReadUInt32BigEndian(data[4..]) != MagicCookie)
        {
            error = "STUN magic cookie is missing";
            return false;
        }
        int length = BinaryPrimitives.ReadUInt16BigEndian(data[2..]);
        if (length % 4 != 0 || HeaderLength + length != data.Length)
        {
            error = $"STUN length {length} does not match the {data.Length - HeaderLength} bytes after the header";
            return false;
        }
        ushort type = BinaryPrimitives.ReadUInt16BigEndian(data);
        ushort method = (ushort)((type & 0x000F) | ((type & 0x00E0) >> 1) | ((type & 0x3E00) >> 2));
        var cls = (StunClass)(((type >> 4) & 1) | ((type >> 7) & 2));
        var result = new StunMessage(method, cls, data.Slice(8, 12).ToArray()) { _raw = data.ToArray() };

        int offset = HeaderLength;
        while (offset < data.Length)
        {
            if (data.Length - offset < 4)
            {
                error = "STUN attribute header runs past the message end";
                return false;
            }
            ushort attrType = BinaryPrimitives.ReadUInt16BigEndian(data[offset..]);
            int attrLength = BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 2)..]);
            int padded = (attrLength + 3) & ~3;
            if (offset + 4 + padded > data.Length)
            {
                error = $"STUN attribute 0x{attrType:X4} of {attrLength} bytes runs past the message end";
                return false;
            }
            if (result._fingerprintOffset >= 0)
            {
                error = "STUN attribute after FINGERPRINT";
                return false;
            }
            // After MESSAGE-INTEGRITY only FINGERPRINT counts (RFC 8489 §14.5); anything else is ignored.
            if (result._integrityOffset < 0 || attrType == StunAttributeType.Fingerprint)
            {
                var value = data.Slice(offset + 4, attrLength);
                if (attrType == StunAttributeType.MessageIntegrity)
                {
                    if (attrLength != IntegrityLength)
                    {
                        error = "MESSAGE-INTEGRITY must be 20 bytes";
                        return false;
                    }
                    result._integrityOffset = offset;
                }
                else if (attrType == StunAttributeType.Fingerprint)
                {
                    if (attrLength != 4)
                    {
                        error = "FINGERPRINT must be 4 bytes";
                        return false;
                    }
                    result._fingerprintOffset = offset;
                }
                result.Attributes.Add(new StunAttribute(attrType, value.ToArray()));
            }
            offset += 4 + padded;
        }
        message = result;
        error = "";
        return true;
    }

    public static StunMessage Parse(ReadOnlySpan<byte> data) =>
        TryParse(data, out var message, out var error) ? message : throw new MediaParseException(error);

    public StunAttribute? Get(ushort type) => Attributes.FirstOrDefault(a => a.Type == type);

    public bool Has(ushort type) => Attributes.Any(a => a.Type == type);

    public StunMessage Add(ushort type, byte[] value)
    {
        Attributes.Add(new StunAttribute(type, value));
        return this;
    }

    // Typed accessors --------------------------------------------------------------------------

    public string? Username => Get(StunAttributeType.Username) is { } a ? Encoding.UTF8.GetString(a.Value) : null;
    public string? Software => Get(StunAttributeType.Software) is { } a ? Encoding.UTF8.GetString(a.Value) : null;
    public uint? Priority => Get(StunAttributeType.Priority) is { Value.Length: 4 } a ? BinaryPrimitives.ReadUInt32BigEndian(a.Value) : null;
    public bool UseCandidate => Has(StunAttributeType.UseCandidate);
    public ulong? IceControlling => Get(StunAttributeType.IceControlling) is { Value.Length: 8 } a ? BinaryPrimitives.ReadUInt64BigEndian(a.Value) : null;
    public ulong? IceControlled => Get(StunAttributeType.IceControlled) is { Value.Length: 8 } a ? BinaryPrimitives.ReadUInt64BigEndian(a.Value) : null;

    public (int Code, string Reason)? ErrorCode =>
        Get(StunAttributeType.ErrorCode) is { Value.Length: >= 4 } a
            ? ((a.Value[2] & 0x07) * 100 + a.Value[3], Encoding.UTF8.GetString(a.Value.AsSpan(4)))
            : null;

    public IPEndPoint? XorMappedAddress =>
        Get(StunAttributeType.XorMappedAddress) is { } a ? DecodeXorAddress(a.Value, TransactionId) : null;

    public StunMessage AddUsername(string username) => Add(StunAttributeType.Username, Encoding.UTF8.GetBytes(username));
    public StunMessage AddSoftware(string software) => Add(StunAttributeType.Software, Encoding.UTF8.GetBytes(software));

    public StunMessage AddPriority(uint priority)
    {
        var value = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(value, priority);
        return Add(StunAttributeType.Priority, value);
    }

    public StunMessage AddUseCandidate() => Add(StunAttributeType.UseCandidate, []);

    public StunMessage AddIceControlling(ulong tieBreaker) => AddUInt64(StunAttributeType.IceControlling, tieBreaker);
    public StunMessage AddIceControlled(ulong tieBreaker) => AddUInt64(StunAttributeType.IceControlled, tieBreaker);

    public StunMessage AddErrorCode(int code, string reason)
    {
        if (code is < 300 or > 699) throw new ArgumentOutOfRangeException(nameof(code));
        var text = Encoding.UTF8.GetBytes(reason);
        var value = new byte[4 + text.Length];
        value[2] = (byte)(code / 100);
        value[3] = (byte)(code % 100);
        text.CopyTo(value, 4);
        return Add(StunAttributeType.ErrorCode, value);
    }

    public StunMessage AddXorMappedAddress(IPEndPoint endpoint) =>
        Add(StunAttributeType.XorMappedAddress, EncodeXorAddress(endpoint, TransactionId));

    private StunMessage AddUInt64(ushort type, ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        return Add(type, bytes);
    }

    // XOR-MAPPED-ADDRESS (RFC 8489 §14.2): port XOR the cookie's top half, address XOR cookie||txid.

    public static byte[] EncodeXorAddress(IPEndPoint endpoint, ReadOnlySpan<byte> transactionId)
    {
        var address = endpoint.Address.IsIPv4MappedToIPv6 ? endpoint.Address.MapToIPv4() : endpoint.Address;
        var bytes = address.GetAddressBytes();
        var value = new byte[4 + bytes.Length];
        value[1] = (byte)(address.AddressFamily == AddressFamily.InterNetwork ? 1 : 2);
        BinaryPrimitives.WriteUInt16BigEndian(value.AsSpan(2), (ushort)(endpoint.Port ^ (MagicCookie >> 16)));
        Span<byte> mask = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(mask, MagicCookie);
        transactionId.CopyTo(mask[4..]);
        for (int i = 0; i < bytes.Length; i++) value[4 + i] = (byte)(bytes[i] ^ mask[i]);
        return value;
    }

    public static IPEndPoint? DecodeXorAddress(ReadOnlySpan<byte> value, ReadOnlySpan<byte> transactionId)
    {
        if (value.Length < 4) return null;
        int addressLength = value[1] switch { 1 => 4, 2 => 16, _ => 0 };
        if (addressLength == 0 || value.Length != 4 + addressLength) return null;
        int port = BinaryPrimitives.ReadUInt16BigEndian(value[2..]) ^ (int)(MagicCookie >> 16);
        Span<byte> mask = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(mask, MagicCookie);
        transactionId.CopyTo(mask[4..]);
        var address = new byte[addressLength];
        for (int i = 0; i < addressLength; i++) address[i] = (byte)(value[4 + i] ^ mask[i]);
        return new IPEndPoint(new IPAddress(address), port);
    }

    // Writing and integrity ------------------------------------------------------------------------

    /// <summary>
    /// Serialises the message. With <paramref name="integrityKey"/> a MESSAGE-INTEGRITY (HMAC-SHA1)
    /// is appended; with <paramref name="fingerprint"/> a FINGERPRINT follows it. Any such attributes
    /// already in <see cref="Attributes"/> are skipped so a parsed message can be re-signed.
    /// </summary>
    public byte[] Write(ReadOnlySpan<byte> integrityKey = default, bool fingerprint = false)
    {
        var attributes = Attributes.Where(a => a.Type is not StunAttributeType.MessageIntegrity and not StunAttributeType.Fingerprint).ToList();
        int bodyLength = attributes.Sum(a => 4 + ((a.Value.Length + 3) & ~3));
        bool sign = !integrityKey.IsEmpty;
        int total = HeaderLength + bodyLength + (sign ? 24 : 0) + (fingerprint ? 8 : 0);
        if (total - HeaderLength > ushort.MaxValue) throw new InvalidOperationException("STUN message too large");
        var buffer = new byte[total];
        BinaryPrimitives.WriteUInt16BigEndian(buffer, EncodeType(Method, Class));
        BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(4), MagicCookie);
        TransactionId.CopyTo(buffer, 8);
        int offset = HeaderLength;
        foreach (var attribute in attributes)
        {
            if (attribute.Value.Length > ushort.MaxValue) throw new InvalidOperationException("STUN attribute too large");
            BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(offset), attribute.Type);
            BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(offset + 2), (ushort)attribute.Value.Length);
            attribute.Value.CopyTo(buffer, offset + 4);
            int padded = (attribute.Value.Length + 3) & ~3;
            buffer.AsSpan(offset + 4 + attribute.Value.Length, padded - attribute.Value.Length).Fill(PaddingByte);
            offset += 4 + padded;
        }
        if (sign)
        {
            // The length field must already count the MESSAGE-INTEGRITY attribute when hashing.
            BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(2), (ushort)(offset + 24 - HeaderLength));
            BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(offset), StunAttributeType.MessageIntegrity);
            BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(offset + 2), IntegrityLength);
            HMACSHA1.HashData(integrityKey, buffer.AsSpan(0, offset), buffer.AsSpan(offset + 4, IntegrityLength));
            offset += 24;
        }
        if (fingerprint)
        {
            BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(2), (ushort)(offset + 8 - HeaderLength));
            BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(offset), StunAttributeType.Fingerprint);
            BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(offset + 2), 4);
            BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(offset + 4), Crc32.Compute(buffer.AsSpan(0, offset)) ^ FingerprintXor);
            offset += 8;
        }
        BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(2), (ushort)(offset - HeaderLength));
        return buffer;
    }

    /// <summary>Short-term credential key: the password's UTF-8 bytes (ICE passwords are ASCII, so no SASLprep is needed).</summary>
    public static byte[] ShortTermKey(string password) => Encoding.UTF8.GetBytes(password);

    /// <summary>Checks MESSAGE-INTEGRITY of a parsed message; false when absent or wrong.</summary>
    public bool VerifyMessageIntegrity(ReadOnlySpan<byte> key)
    {
        if (_raw is null || _integrityOffset < 0) return false;
        int offset = _integrityOffset;
        var prefix = _raw.AsSpan(0, offset).ToArray();
        BinaryPrimitives.WriteUInt16BigEndian(prefix.AsSpan(2), (ushort)(offset + 24 - HeaderLength));
        Span<byte> expected = stackalloc byte[IntegrityLength];
        HMACSHA1.HashData(key, prefix, expected);
        return CryptographicOperations.FixedTimeEquals(expected, _raw.AsSpan(offset + 4, IntegrityLength));
    }

    /// <summary>Checks FINGERPRINT of a parsed message; false when absent or wrong.</summary>
    public bool VerifyFingerprint()
    {
        if (_raw is null || _fingerprintOffset < 0) return false;
        int offset = _fingerprintOffset;
        var prefix = _raw.AsSpan(0, offset).ToArray();
        BinaryPrimitives.WriteUInt16BigEndian(prefix.AsSpan(2), (ushort)(offset + 8 - HeaderLength));
        uint expected = Crc32.Compute(prefix) ^ FingerprintXor;
        return BinaryPrimitives.ReadUInt32BigEndian(_raw.AsSpan(offset + 4)) == expected;
    }
}
