using FsCheck.Xunit;
using Orchestrator.Media.Rtp;

namespace Orchestrator.Media.Tests.Rtp;

public class SequenceUnwrapperTests
{
    [Fact]
    public void Unwraps_forward_across_the_16_bit_boundary()
    {
        var unwrapper = new SequenceUnwrapper();
        long a = unwrapper.Unwrap(65534);
        long b = unwrapper.Unwrap(65535);
        long c = unwrapper.Unwrap(0);
        long d = unwrapper.Unwrap(1);
        Assert.Equal([a + 1, a + 2, a + 3], new[] { b, c, d });
    }

    [Fact]
    public void Places_a_late_packet_from_before_the_wrap_behind()
    {
        var unwrapper = new SequenceUnwrapper();
        long first = unwrapper.Unwrap(65535);
        long afterWrap = unwrapper.Unwrap(2);
        long late = unwrapper.Unwrap(65534);
        Assert.Equal(first + 3, afterWrap);
        Assert.Equal(first - 1, late);
        Assert.Equal(afterWrap, unwrapper.Highest);
    }

    [Property]
    public void Matches_a_counter_over_many_wraps(ushort start, byte stepSeed)
    {
        int step = stepSeed % 100 + 1;
        var unwrapper = new SequenceUnwrapper();
        long origin = unwrapper.Unwrap(start);
        for (long i = step; i < 200_000; i += step)
            Assert.Equal(origin + i, unwrapper.Unwrap((ushort)(start + i)));
    }
}

public class JitterBufferTests
{
    private static RtpPacket Packet(ushort seq) => new() { SequenceNumber = seq, Timestamp = (uint)seq * 160, Payload = [(byte)seq] };

    private static ushort[] Seqs(IEnumerable<RtpPacket> packets) => packets.Select(p => p.SequenceNumber).ToArray();

    [Fact]
    public void Reorders_within_the_delay_and_drops_duplicates()
    {
        var buffer = new JitterBuffer(new JitterBufferOptions { MaxDelayMs = 60, MaxPackets = 50 });
        Assert.True(buffer.Add(Packet(10), 0));
        Assert.True(buffer.Add(Packet(12), 5));
        Assert.Empty(buffer.TakeReady(10)); // the start waits for the depth to let early packets sort
        Assert.True(buffer.Add(Packet(11), 20));
        Assert.False(buffer.Add(Packet(11), 21));
        Assert.Equal(1, buffer.Duplicates);
        Assert.Equal([10, 11, 12], Seqs(buffer.TakeReady(60)));
        Assert.True(buffer.Add(Packet(13), 70));
        Assert.Equal([13], Seqs(buffer.TakeReady(70))); // in order: released at once
    }

    [Fact]
    public void Gives_up_on_a_gap_after_the_delay_and_drops_the_late_packet()
    {
        var buffer = new JitterBuffer(new JitterBufferOptions { MaxDelayMs = 40 });
        buffer.Add(Packet(1), 0);
        Assert.Equal([1], Seqs(buffer.TakeReady(40)));
        buffer.Add(Packet(3), 50);
        Assert.Empty(buffer.TakeReady(60));
        Assert.Equal([3], Seqs(buffer.TakeReady(90)));
        Assert.Equal(1, buffer.Lost);
        Assert.False(buffer.Add(Packet(2), 100));
        Assert.Equal(1, buffer.Late);
    }

    [Fact]
    public void Bounded_size_forces_release()
    {
        var buffer = new JitterBuffer(new JitterBufferOptions { MaxDelayMs = 10_000, MaxPackets = 3 });
        for (ushort s = 5; s < 9; s++) buffer.Add(Packet(s), 0);
        Assert.Equal([5, 6, 7, 8], Seqs(buffer.TakeReady(1))); // overflow releases 5, the rest follow in order
        Assert.Equal(0, buffer.Count);
    }

    [Fact]
    public void Resyncs_after_the_sender_jumps_its_sequence_backwards()
    {
        var buffer = new JitterBuffer(new JitterBufferOptions { MaxDelayMs = 0, MaxPackets = 4 });
        for (ushort s = 1000; s < 1010; s++) buffer.Add(Packet(s), 0);
        Assert.Equal(10, buffer.TakeReady(0).Count);
        var accepted = Enumerable.Range(100, 10).Select(s => buffer.Add(Packet((ushort)s), 0)).ToList();
        Assert.Equal([false, false, false, false, true, true, true, true, true, true], accepted);
        Assert.Equal(1, buffer.Resyncs);
        Assert.Equal([104, 105, 106, 107, 108, 109], Seqs(buffer.TakeReady(0)));
    }

    [Fact]
    public void Works_across_sequence_wrap()
    {
        var buffer = new JitterBuffer(new JitterBufferOptions { MaxDelayMs = 20 });
        buffer.Add(Packet(65534), 0);
        buffer.Add(Packet(0), 1);
        buffer.Add(Packet(65535), 2);
        buffer.Add(Packet(1), 3);
        Assert.Equal([65534, 65535, 0, 1], Seqs(buffer.TakeReady(20)));
    }

    [Property]
    public void Emits_a_strictly_increasing_subset_without_duplicates(ushort start, int[] jitter)
    {
        var buffer = new JitterBuffer(new JitterBufferOptions { MaxDelayMs = 40, MaxPackets = 8 });
        var unwrapper = new SequenceUnwrapper();
        var arrivals = jitter.Take(300).Select((j, i) => (Seq: (ushort)(start + i / 2), At: i * 10L + Math.Abs(j % 80))).OrderBy(a => a.At).ToList();
        var emitted = new List<long>();
        foreach (var (seq, at) in arrivals)
        {
            buffer.Add(Packet(seq), at);
            emitted.AddRange(buffer.TakeReady(at).Select(p => unwrapper.Unwrap(p.SequenceNumber)));
            Assert.True(buffer.Count <= 9);
        }
        emitted.AddRange(buffer.TakeReady(long.MaxValue / 2).Select(p => unwrapper.Unwrap(p.SequenceNumber)));
        for (int i = 1; i < emitted.Count; i++) Assert.True(emitted[i] > emitted[i - 1]);
    }
}
