using Orchestrator.Media.Rtp;

namespace Orchestrator.Media.Tests.Rtp;

public class RtpPacketizerTests
{
    [Fact]
    public void Advances_sequence_and_timestamp_per_20ms_frame_and_marks_talkspurts()
    {
        var packetizer = new RtpPacketizer(0, 8000, 160, ssrc: 42, initialSequence: 65535, initialTimestamp: uint.MaxValue - 100);
        var a = packetizer.Packetize(new byte[160]);
        var b = packetizer.Packetize(new byte[160]);
        packetizer.Skip(320);
        packetizer.StartTalkspurt();
        var c = packetizer.Packetize(new byte[160]);
        Assert.Equal([65535, 0, 1], new[] { a.SequenceNumber, b.SequenceNumber, c.SequenceNumber });
        Assert.Equal(uint.MaxValue - 100, a.Timestamp);
        Assert.Equal(59u, b.Timestamp); // wrapped: max - 100 + 160
        Assert.Equal(59u + 160 + 320, c.Timestamp);
        Assert.Equal([true, false, true], new[] { a.Marker, b.Marker, c.Marker });
        Assert.All([a, b, c], p => Assert.Equal(42u, p.Ssrc));
        Assert.Equal(3, packetizer.PacketsSent);
        Assert.Equal(480, packetizer.OctetsSent);
    }

    [Fact]
    public void Opus_frames_are_960_samples()
    {
        var packetizer = RtpPacketizer.For20MsFrames(111, 48000);
        Assert.Equal(960, packetizer.SamplesPerFrame);
    }

    [Fact]
    public void WriteFrame_writes_the_same_bytes_as_Packetize_and_advances_the_stream_alike()
    {
        var allocating = new RtpPacketizer(8, 8000, 160, ssrc: 0xCAFEBABE, initialSequence: 65534, initialTimestamp: 4294967200);
        var writing = new RtpPacketizer(8, 8000, 160, ssrc: 0xCAFEBABE, initialSequence: 65534, initialTimestamp: 4294967200);
        var buffer = new byte[400];
        for (int i = 0; i < 4; i++)
        {
            if (i == 2)
            {
                allocating.Skip(160);
                allocating.StartTalkspurt();
                writing.Skip(160);
                writing.StartTalkspurt();
            }
            var payload = Enumerable.Range(0, 160).Select(b => (byte)(b + i)).ToArray();
            var expected = allocating.Packetize(payload).ToArray();
            int length = writing.WriteFrame(payload, buffer);
            Assert.Equal(expected, buffer[..length]);
        }
        Assert.Equal(allocating.NextSequence, writing.NextSequence);
        Assert.Equal(allocating.Timestamp, writing.Timestamp);
        Assert.Equal(allocating.OctetsSent, writing.OctetsSent);
        Assert.Throws<ArgumentException>(() => writing.WriteFrame(new byte[160], new byte[100]));
    }
}

public class DtmfTests
{
    [Fact]
    public void Telephone_event_payload_matches_rfc_4733_layout()
    {
        var ev = new TelephoneEvent(11, true, 10, 800);
        Assert.Equal(new byte[] { 11, 0x8A, 0x03, 0x20 }, ev.ToArray());
        Assert.True(TelephoneEvent.TryParse(ev.ToArray(), out var parsed, out _));
        Assert.Equal(ev, parsed);
        Assert.False(TelephoneEvent.TryParse(new byte[3], out _, out var error));
        Assert.Contains("3 bytes", error);
    }

    [Fact]
    public void Sender_produces_updates_then_three_end_packets()
    {
        var stream = new RtpPacketizer(0, 8000, 160, ssrc: 1, initialSequence: 100, initialTimestamp: 1000);
        stream.Packetize(new byte[160]);
        var packets = DtmfSender.CreatePackets(stream, 101, '#', durationMs: 100);
        Assert.Equal(4 + 3, packets.Count); // 160..640 updates, then the 800-sample end x3
        Assert.All(packets, p => Assert.Equal(1160u, p.Timestamp));
        Assert.All(packets, p => Assert.Equal(101, p.PayloadType));
        Assert.Equal(Enumerable.Range(101, 7).Select(i => (ushort)i), packets.Select(p => p.SequenceNumber));
        Assert.True(packets[0].Marker);
        Assert.All(packets.Skip(1), p => Assert.False(p.Marker));
        var events = packets.Select(p => { TelephoneEvent.TryParse(p.Payload, out var e, out _); return e; }).ToList();
        Assert.All(events, e => Assert.Equal(11, e.Event));
        Assert.Equal(new ushort[] { 160, 320, 480, 640, 800, 800, 800 }, events.Select(e => e.Duration));
        Assert.Equal(new[] { false, false, false, false, true, true, true }, events.Select(e => e.End));
        var next = stream.Packetize(new byte[160]);
        Assert.Equal(1160u + 800, next.Timestamp);
        Assert.True(next.Marker);
    }

    [Fact]
    public void Receiver_reports_each_digit_once_despite_repeats_and_retransmits()
    {
        var stream = new RtpPacketizer(0, 8000, 160, ssrc: 1);
        var packets = new List<RtpPacket>();
        packets.AddRange(DtmfSender.CreatePackets(stream, 101, '5'));
        packets.Add(packets[^1]); // a retransmitted end packet
        stream.Packetize(new byte[160]);
        packets.AddRange(DtmfSender.CreatePackets(stream, 101, '5')); // same digit again: a new event
        packets.AddRange(DtmfSender.CreatePackets(stream, 101, 'A'));
        packets.Add(stream.Packetize(new byte[160])); // audio is ignored

        var receiver = new DtmfReceiver(101);
        var digits = packets.Select(receiver.Process).Where(d => d is not null).ToList();
        Assert.Equal(new char?[] { '5', '5', 'A' }, digits);
    }

    [Fact]
    public void Receiver_detects_a_digit_whose_start_packets_were_lost()
    {
        var stream = new RtpPacketizer(0, 8000, 160, ssrc: 1);
        var packets = DtmfSender.CreatePackets(stream, 101, '9');
        var receiver = new DtmfReceiver(101);
        var digits = packets.Skip(4).Select(receiver.Process).Where(d => d is not null).ToList();
        Assert.Equal(new char?[] { '9' }, digits);
    }

    [Fact]
    public void Rejects_non_digits()
    {
        Assert.Throws<ArgumentException>(() => DtmfSender.CreatePackets(new RtpPacketizer(0, 8000, 160), 101, 'x'));
    }
}
