using System.Buffers.Binary;
using System.Security.Cryptography;
using FsCheck.Xunit;
using Orchestrator.Media.Rtp;
using Orchestrator.Media.Srtp;

namespace Orchestrator.Media.Tests.Srtp;

public class SrtpContextTests
{
    private static SrtpMasterKey RandomKey() => new(RandomNumberGenerator.GetBytes(16), RandomNumberGenerator.GetBytes(14));

    private static byte[] Rtp(ushort seq, uint ssrc = 0x11223344, int payloadLength = 160, bool extension = false) => new RtpPacket
    {
        PayloadType = 0,
        SequenceNumber = seq,
        Timestamp = seq * 160u,
        Ssrc = ssrc,
        Csrcs = extension ? [7] : [],
        Extension = extension ? new RtpHeaderExtension(0xBEDE, [1, 2, 3, 4]) : null,
        Payload = Enumerable.Range(0, payloadLength).Select(i => (byte)(i + seq)).ToArray(),
    }.ToArray();

    [Fact]
    public void Round_trips_across_a_sequence_wrap()
    {
        var key = RandomKey();
        using var sender = new SrtpContext(key);
        using var receiver = new SrtpContext(key);
        for (int i = 0; i < 70_000; i += 7) // crosses 65535 → 0, so the ROC must move to 1
        {
            var plain = Rtp((ushort)(65000 + i));
            var protectedPacket = sender.ProtectRtp(plain);
            Assert.Equal(plain.Length + 10, protectedPacket.Length);
            Assert.Equal(plain.AsSpan(0, 12).ToArray(), protectedPacket.AsSpan(0, 12).ToArray()); // header stays clear
            Assert.NotEqual(plain.AsSpan(12).ToArray(), protectedPacket.AsSpan(12, plain.Length - 12).ToArray());
            Assert.Equal(plain, receiver.UnprotectRtp(protectedPacket));
        }
    }

    [Fact]
    public void Uses_the_rollover_counter_in_keystream_and_tag()
    {
        // The same sequence number before and after a wrap must not produce the same packet.
        var key = RandomKey();
        using var sender = new SrtpContext(key);
        var first = sender.ProtectRtp(Rtp(100));
        for (int s = 20000; s < 65536 + 100; s += 20000) sender.ProtectRtp(Rtp((ushort)s));
        var second = sender.ProtectRtp(Rtp(100));
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Accepts_reordered_packets_across_the_wrap_but_rejects_replays_and_old_ones()
    {
        var key = RandomKey();
        using var sender = new SrtpContext(key);
        using var receiver = new SrtpContext(key);
        var packets = Enumerable.Range(0, 200).Select(i => sender.ProtectRtp(Rtp((ushort)(65500 + i)))).ToArray();
        Assert.Equal(SrtpResult.Ok, Unprotect(receiver, packets[0]));
        Assert.Equal(SrtpResult.Ok, Unprotect(receiver, packets[40])); // after the wrap
        Assert.Equal(SrtpResult.Ok, Unprotect(receiver, packets[30])); // before the wrap, late
        Assert.Equal(SrtpResult.ReplayedPacket, Unprotect(receiver, packets[30]));
        Assert.Equal(SrtpResult.ReplayedPacket, Unprotect(receiver, packets[40]));
        Assert.Equal(SrtpResult.Ok, Unprotect(receiver, packets[150]));
        Assert.Equal(SrtpResult.PacketTooOld, Unprotect(receiver, packets[50])); // 100 behind
        Assert.Equal(SrtpResult.Ok, Unprotect(receiver, packets[100])); // 50 behind: inside the window
    }

    [Fact]
    public void Rejects_any_tampered_byte_and_a_wrong_key()
    {
        var key = RandomKey();
        using var sender = new SrtpContext(key);
        var packet = sender.ProtectRtp(Rtp(1, extension: true));
        for (int i = 0; i < packet.Length; i++)
        {
            using var receiver = new SrtpContext(key);
            var tampered = (byte[])packet.Clone();
            tampered[i] ^= 0x04;
            var result = Unprotect(receiver, tampered);
            Assert.True(result is SrtpResult.AuthenticationFailed or SrtpResult.MalformedPacket, $"byte {i}: {result}");
        }
        using var stranger = new SrtpContext(RandomKey());
        Assert.Equal(SrtpResult.AuthenticationFailed, Unprotect(stranger, packet));
    }

    [Fact]
    public void A_forged_packet_does_not_move_the_replay_window()
    {
        var key = RandomKey();
        using var sender = new SrtpContext(key);
        using var receiver = new SrtpContext(key);
        var good = sender.ProtectRtp(Rtp(10));
        var later = sender.ProtectRtp(Rtp(11));
        var forged = sender.ProtectRtp(Rtp(5000));
        forged[^1] ^= 1;
        Assert.Equal(SrtpResult.Ok, Unprotect(receiver, good));
        Assert.Equal(SrtpResult.AuthenticationFailed, Unprotect(receiver, forged));
        Assert.Equal(SrtpResult.Ok, Unprotect(receiver, later));
    }

    [Fact]
    public void Keeps_separate_state_per_ssrc()
    {
        var key = RandomKey();
        using var sender = new SrtpContext(key);
        using var receiver = new SrtpContext(key);
        var a = sender.ProtectRtp(Rtp(1, ssrc: 1));
        var b = sender.ProtectRtp(Rtp(1, ssrc: 2));
        Assert.Equal(SrtpResult.Ok, Unprotect(receiver, a));
        Assert.Equal(SrtpResult.Ok, Unprotect(receiver, b));
    }

    [Fact]
    public void Protect_in_place_reports_small_buffers_and_malformed_headers()
    {
        using var context = new SrtpContext(RandomKey());
        var plain = Rtp(1);
        Assert.Equal(SrtpResult.BufferTooSmall, context.ProtectRtp(plain, plain.Length, out _));
        Assert.Equal(SrtpResult.MalformedPacket, context.ProtectRtp(new byte[40], 20, out _)); // version 0
        var buffer = new byte[plain.Length + SrtpContext.RtpOverhead];
        plain.CopyTo(buffer, 0);
        Assert.Equal(SrtpResult.Ok, context.ProtectRtp(buffer, plain.Length, out int length));
        Assert.Equal(buffer.Length, length);
        Assert.Equal(SrtpResult.MalformedPacket, context.UnprotectRtp(buffer, 15, out _));
    }

    [Fact]
    public void Srtcp_round_trips_with_index_and_e_bit_and_rejects_replay_and_tampering()
    {
        var key = RandomKey();
        using var sender = new SrtpContext(key);
        using var receiver = new SrtpContext(key);
        var report = RtcpCompoundPacket.Write([new RtcpSenderReport(0xCAFEBABE, 1, 2, 3, 4, []), RtcpSourceDescription.ForCName(0xCAFEBABE, "x")]);
        var first = sender.ProtectRtcp(report);
        var second = sender.ProtectRtcp(report);
        Assert.Equal(report.Length + 14, first.Length);
        Assert.Equal(0x80000000u, BinaryPrimitives.ReadUInt32BigEndian(first.AsSpan(report.Length)));
        Assert.Equal(0x80000001u, BinaryPrimitives.ReadUInt32BigEndian(second.AsSpan(report.Length)));
        Assert.NotEqual(report.AsSpan(8).ToArray(), first.AsSpan(8, report.Length - 8).ToArray());
        Assert.Equal(report, receiver.UnprotectRtcp(second));
        Assert.Equal(report, receiver.UnprotectRtcp(first));
        Assert.Equal(SrtpResult.ReplayedPacket, receiver.UnprotectRtcp((byte[])first.Clone(), first.Length, out _));
        var tampered = sender.ProtectRtcp(report);
        tampered[10] ^= 1;
        Assert.Equal(SrtpResult.AuthenticationFailed, receiver.UnprotectRtcp(tampered, tampered.Length, out _));
    }

    [Property(MaxTest = 1000)]
    public void Random_bytes_never_throw(byte[] bytes, bool rtcp)
    {
        using var context = new SrtpContext(new SrtpMasterKey(new byte[16], new byte[14]));
        var buffer = bytes.Concat(new byte[20]).ToArray();
        if (rtcp) context.UnprotectRtcp(buffer, bytes.Length, out _);
        else context.UnprotectRtp(buffer, bytes.Length, out _);
        context.ProtectRtp(buffer, bytes.Length, out _);
        context.ProtectRtcp(buffer, bytes.Length, out _);
    }

    [Fact]
    public void Dtls_export_splits_into_client_and_server_keys()
    {
        var material = Enumerable.Range(0, 60).Select(i => (byte)i).ToArray();
        var (serverLocal, serverRemote) = SrtpMasterKey.FromDtlsExport(material, isServer: true);
        var (clientLocal, clientRemote) = SrtpMasterKey.FromDtlsExport(material, isServer: false);
        Assert.Equal(material[16..32], serverLocal.Key);
        Assert.Equal(material[46..60], serverLocal.Salt);
        Assert.Equal(material[0..16], clientLocal.Key);
        Assert.Equal(material[32..46], clientLocal.Salt);
        Assert.Equal(serverLocal, clientRemote);
        Assert.Equal(clientLocal, serverRemote);
    }

    private static SrtpResult Unprotect(SrtpContext context, byte[] packet) =>
        context.UnprotectRtp((byte[])packet.Clone(), packet.Length, out _);
}
