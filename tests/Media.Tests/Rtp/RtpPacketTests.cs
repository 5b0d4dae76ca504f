using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Orchestrator.Media.Rtp;

namespace Orchestrator.Media.Tests.Rtp;

public class RtpPacketTests
{
    [Fact]
    public void Parses_a_known_packet()
    {
        byte[] bytes =
        [
            0x80, 0x80 | 0x00, 0x12, 0x34, // V=2, M=1, PT=0, seq 0x1234
            0x00, 0x00, 0x03, 0x20,        // ts 800
            0xDE, 0xAD, 0xBE, 0xEF,        // SSRC
            0x01, 0x02, 0x03,
        ];
        var packet = RtpPacket.Parse(bytes);
        Assert.True(packet.Marker);
        Assert.Equal(0, packet.PayloadType);
        Assert.Equal(0x1234, packet.SequenceNumber);
        Assert.Equal(800u, packet.Timestamp);
        Assert.Equal(0xDEADBEEFu, packet.Ssrc);
        Assert.Equal(new byte[] { 1, 2, 3 }, packet.Payload);
        Assert.Equal(bytes, packet.ToArray());
    }

    [Fact]
    public void Parses_csrcs_extension_and_padding()
    {
        byte[] bytes =
        [
            0xB2, 0x6F, 0x00, 0x01, // V=2, P=1, X=1, CC=2; PT 111
            0x00, 0x00, 0x00, 0x02,
            0x00, 0x00, 0x00, 0x03,
            0x00, 0x00, 0x00, 0x0A, // CSRC 1
            0x00, 0x00, 0x00, 0x0B, // CSRC 2
            0xBE, 0xDE, 0x00, 0x01, // extension profile, 1 word
            0x10, 0xFF, 0x00, 0x00,
            0xAA, 0xBB,             // payload
            0x00, 0x00, 0x03,       // 3 bytes of padding
        ];
        Assert.True(RtpPacket.TryParse(bytes, out var packet, out var error), error);
        Assert.Equal(111, packet.PayloadType);
        Assert.False(packet.Marker);
        Assert.Equal(new uint[] { 10, 11 }, packet.Csrcs);
        Assert.Equal((ushort)0xBEDE, packet.Extension!.Profile);
        Assert.Equal(new byte[] { 0x10, 0xFF, 0, 0 }, packet.Extension.Data);
        Assert.Equal(new byte[] { 0xAA, 0xBB }, packet.Payload);
        Assert.Equal(3, packet.PaddingLength);
        Assert.Equal(bytes, packet.ToArray());
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 0x00, 0x00 }, "too short")]
    [InlineData(new byte[] { 0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, "version")]
    [InlineData(new byte[] { 0x81, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, "CSRC")]
    [InlineData(new byte[] { 0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5 }, "extension")]
    [InlineData(new byte[] { 0xA0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 20 }, "padding")]
    [InlineData(new byte[] { 0xA0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, "padding")]
    public void Rejects_malformed_packets_with_a_reason(byte[] bytes, string expected)
    {
        Assert.False(RtpPacket.TryParse(bytes, out _, out var error));
        Assert.Contains(expected, error);
        var ex = Assert.Throws<MediaParseException>(() => RtpPacket.Parse(bytes));
        Assert.Contains(expected, ex.Message);
    }

    [Property(MaxTest = 2000)]
    public void Random_bytes_never_throw(byte[] bytes)
    {
        if (bytes.Length > 0) bytes[0] = (byte)(0x80 | bytes[0] & 0x3F); // mostly version 2 to get past the first check
        RtpPacket.TryParse(bytes, out _, out _);
    }

    [Property]
    public void Write_then_parse_round_trips(bool marker, byte pt, ushort seq, uint ts, uint ssrc, uint[] csrcs, byte[] payload, byte padding, bool ext, ushort profile)
    {
        var packet = new RtpPacket
        {
            Marker = marker,
            PayloadType = (byte)(pt & 0x7F),
            SequenceNumber = seq,
            Timestamp = ts,
            Ssrc = ssrc,
            Csrcs = csrcs.Take(15).ToArray(),
            Extension = ext ? new RtpHeaderExtension(profile, payload.Take(payload.Length / 4 * 4).ToArray()) : null,
            Payload = payload,
            PaddingLength = padding,
        };
        var parsed = RtpPacket.Parse(packet.ToArray());
        Assert.Equal(packet.Marker, parsed.Marker);
        Assert.Equal(packet.PayloadType, parsed.PayloadType);
        Assert.Equal(seq, parsed.SequenceNumber);
        Assert.Equal(ts, parsed.Timestamp);
        Assert.Equal(ssrc, parsed.Ssrc);
        Assert.Equal(packet.Csrcs, parsed.Csrcs);
        Assert.Equal(packet.Extension, parsed.Extension);
        Assert.Equal(payload, parsed.Payload);
        Assert.Equal(padding, parsed.PaddingLength);
    }
}
