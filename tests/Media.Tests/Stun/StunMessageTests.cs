using System.Net;
using FsCheck.Xunit;
using Orchestrator.Media.Stun;

namespace Orchestrator.Media.Tests.Stun;

public class StunMessageTests
{
    private static readonly byte[] Key = StunMessage.ShortTermKey(Rfc5769Vectors.Password);

    [Fact]
    public void Rfc5769_request_parses_and_its_integrity_and_fingerprint_verify()
    {
        var message = StunMessage.Parse(Rfc5769Vectors.Request);
        Assert.Equal(StunMethod.Binding, message.Method);
        Assert.Equal(StunClass.Request, message.Class);
        Assert.Equal(Rfc5769Vectors.TransactionId, message.TransactionId);
        Assert.Equal("STUN test client", message.Software);
        Assert.Equal(0x6e0001ffu, message.Priority);
        Assert.Equal(0x932ff9b151263b36UL, message.IceControlled);
        Assert.Equal("evtj:h6vY", message.Username);
        Assert.True(message.VerifyMessageIntegrity(Key));
        Assert.True(message.VerifyFingerprint());
        Assert.False(message.VerifyMessageIntegrity(StunMessage.ShortTermKey("wrong password")));
    }

    [Fact]
    public void Rfc5769_request_is_reproduced_byte_for_byte()
    {
        var message = new StunMessage(StunMethod.Binding, StunClass.Request, Rfc5769Vectors.TransactionId) { PaddingByte = 0x20 };
        message.AddSoftware("STUN test client").AddPriority(0x6e0001ff).AddIceControlled(0x932ff9b151263b36).AddUsername("evtj:h6vY");
        Assert.Equal(Convert.ToHexString(Rfc5769Vectors.Request), Convert.ToHexString(message.Write(Key, fingerprint: true)));
    }

    [Fact]
    public void Rfc5769_ipv4_response_parses_verifies_and_is_reproduced()
    {
        var message = StunMessage.Parse(Rfc5769Vectors.ResponseV4);
        Assert.Equal(StunClass.SuccessResponse, message.Class);
        Assert.Equal("test vector", message.Software);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853), message.XorMappedAddress);
        Assert.True(message.VerifyMessageIntegrity(Key));
        Assert.True(message.VerifyFingerprint());

        var rebuilt = new StunMessage(StunMethod.Binding, StunClass.SuccessResponse, Rfc5769Vectors.TransactionId) { PaddingByte = 0x20 };
        rebuilt.AddSoftware("test vector").AddXorMappedAddress(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853));
        Assert.Equal(Convert.ToHexString(Rfc5769Vectors.ResponseV4), Convert.ToHexString(rebuilt.Write(Key, fingerprint: true)));
    }

    [Fact]
    public void Rfc5769_ipv6_response_parses_verifies_and_is_reproduced()
    {
        var endpoint = new IPEndPoint(IPAddress.Parse("2001:db8:1234:5678:11:2233:4455:6677"), 32853);
        var message = StunMessage.Parse(Rfc5769Vectors.ResponseV6);
        Assert.Equal(endpoint, message.XorMappedAddress);
        Assert.True(message.VerifyMessageIntegrity(Key));
        Assert.True(message.VerifyFingerprint());

        var rebuilt = new StunMessage(StunMethod.Binding, StunClass.SuccessResponse, Rfc5769Vectors.TransactionId) { PaddingByte = 0x20 };
        rebuilt.AddSoftware("test vector").AddXorMappedAddress(endpoint);
        Assert.Equal(Convert.ToHexString(Rfc5769Vectors.ResponseV6), Convert.ToHexString(rebuilt.Write(Key, fingerprint: true)));
    }

    [Fact]
    public void Any_flipped_bit_breaks_integrity_or_fingerprint()
    {
        for (int i = 20; i < Rfc5769Vectors.Request.Length - 8; i++)
        {
            var tampered = (byte[])Rfc5769Vectors.Request.Clone();
            tampered[i] ^= 0x01;
            if (!StunMessage.TryParse(tampered, out var message, out _)) continue;
            // FINGERPRINT covers every byte before it, padding included.
            Assert.False(message.VerifyFingerprint(), $"byte {i}");
            if (i < Rfc5769Vectors.Request.Length - 32) Assert.False(message.VerifyMessageIntegrity(Key), $"byte {i}");
        }
    }

    [Fact]
    public void Message_type_encoding_interleaves_class_bits()
    {
        Assert.Equal(0x0001, StunMessage.EncodeType(StunMethod.Binding, StunClass.Request));
        Assert.Equal(0x0011, StunMessage.EncodeType(StunMethod.Binding, StunClass.Indication));
        Assert.Equal(0x0101, StunMessage.EncodeType(StunMethod.Binding, StunClass.SuccessResponse));
        Assert.Equal(0x0111, StunMessage.EncodeType(StunMethod.Binding, StunClass.ErrorResponse));
        var message = StunMessage.Parse(new StunMessage(0xABC, StunClass.ErrorResponse).Write());
        Assert.Equal((0xABC, StunClass.ErrorResponse), (message.Method, message.Class));
    }

    [Fact]
    public void Error_code_round_trips()
    {
        var message = StunMessage.Parse(new StunMessage(StunMethod.Binding, StunClass.ErrorResponse).AddErrorCode(487, "Role Conflict").Write());
        Assert.Equal((487, "Role Conflict"), message.ErrorCode);
    }

    [Theory]
    [InlineData("0001", "too short")]
    [InlineData("c00100002112a442b7e7a701bc34d686fa87dfae", "top two bits")]
    [InlineData("000100002112a443b7e7a701bc34d686fa87dfae", "magic cookie")]
    [InlineData("000100042112a442b7e7a701bc34d686fa87dfae", "does not match")]
    [InlineData("000100042112a442b7e7a701bc34d686fa87dfae00060008", "runs past")]
    [InlineData("000100082112a442b7e7a701bc34d686fa87dfae0008000400000000", "20 bytes")]
    [InlineData("000100102112a442b7e7a701bc34d686fa87dfae80280004000000000006000000000000", "after FINGERPRINT")]
    public void Rejects_malformed_messages(string hex, string expected)
    {
        Assert.False(StunMessage.TryParse(Convert.FromHexString(hex), out _, out var error));
        Assert.Contains(expected, error);
    }

    [Property(MaxTest = 2000)]
    public void Random_bytes_never_throw(byte[] bytes)
    {
        if (bytes.Length >= 20)
        {
            bytes[0] &= 0x3F;
            new byte[] { 0x21, 0x12, 0xA4, 0x42 }.CopyTo(bytes, 4);
            bytes[2] = (byte)((bytes.Length - 20) >> 8);
            bytes[3] = (byte)(bytes.Length - 20);
        }
        if (StunMessage.TryParse(bytes, out var message, out _))
        {
            _ = (message.Username, message.Priority, message.XorMappedAddress, message.ErrorCode, message.IceControlling, message.Software);
            message.VerifyMessageIntegrity(Key);
            message.VerifyFingerprint();
        }
    }

    [Property]
    public void Write_then_parse_round_trips(string username, uint priority, ulong tieBreaker, bool useCandidate, byte[] address, ushort port, bool sign)
    {
        username ??= "";
        var ip = address.Length >= 16 ? new IPAddress(address[..16]) : new IPAddress(address.Concat(new byte[4]).Take(4).ToArray());
        var message = new StunMessage(StunMethod.Binding, StunClass.Request).AddUsername(username).AddPriority(priority).AddIceControlling(tieBreaker).AddXorMappedAddress(new IPEndPoint(ip, port));
        if (useCandidate) message.AddUseCandidate();
        var parsed = StunMessage.Parse(message.Write(sign ? Key : default, fingerprint: true));
        Assert.Equal(message.TransactionId, parsed.TransactionId);
        Assert.Equal(username, parsed.Username);
        Assert.Equal(priority, parsed.Priority);
        Assert.Equal(tieBreaker, parsed.IceControlling);
        Assert.Equal(useCandidate, parsed.UseCandidate);
        Assert.Equal(new IPEndPoint(ip, port), parsed.XorMappedAddress);
        Assert.Equal(sign, parsed.VerifyMessageIntegrity(Key));
        Assert.True(parsed.VerifyFingerprint());
    }
}
