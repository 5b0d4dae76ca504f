using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using FsCheck;
using FsCheck.Xunit;
using Orchestrator.Media.Codecs;
using Orchestrator.Media.Rtp;
using Orchestrator.Media.Sdp;
using Orchestrator.Media.WebRtc;

namespace Orchestrator.Media.Tests.Rtp;

/// <summary>
/// Frames reach the consumer (the VAD and endpointer downstream) in order and one at a time while
/// packets arrive out of order on one thread and the send side ticks on others.
/// </summary>
public sealed class FrameOrderPropertyTests
{
    /// <summary>Sequence numbers 0..n-1, each moved by up to <paramref name="spread"/> places: network reordering.</summary>
    private static ushort[] Reordered(int n, int spread, int seed, ushort first)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(i => (Key: i + random.NextDouble() * spread, Seq: (ushort)(first + i)))
            .OrderBy(x => x.Key).Select(x => x.Seq).ToArray();
    }

    [Property(MaxTest = 100)]
    public bool Released_packets_come_in_sequence_order_and_never_two_at_once(PositiveInt count, byte spread, int seed, ushort first, PositiveInt releasers)
    {
        int n = 20 + count.Get % 200;
        var order = Reordered(n, 1 + spread % 8, seed, first);
        var audio = new ReceivedAudio(new JitterBufferOptions { MaxDelayMs = 5, MaxPackets = 1000 });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var delivered = new List<ushort>();
        int inside = 0, overlaps = 0;
        void Consume(RtpPacket p)
        {
            if (Interlocked.Increment(ref inside) > 1) Interlocked.Increment(ref overlaps);
            delivered.Add(p.SequenceNumber);
            Thread.SpinWait(20);
            Interlocked.Decrement(ref inside);
        }
        using var stop = new CancellationTokenSource();
        var ticks = Enumerable.Range(0, 1 + releasers.Get % 3).Select(_ => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested) audio.Release(clock.ElapsedMilliseconds, Consume);
        })).ToArray();
        int rejected = 0;
        foreach (var seq in order)
        {
            if (!audio.Add(new RtpPacket { PayloadType = 0, SequenceNumber = seq, Payload = [1] }, clock.ElapsedMilliseconds)) rejected++; // too late: its gap was skipped
            if (seq % 7 == 0) Thread.Yield();
        }
        // What waits behind a gap is released by age; every packet comes out or was refused as too late.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (Volatile.Read(ref inside) >= 0 && audio.Buffered > 0 && DateTime.UtcNow < deadline) Thread.Sleep(1);
        stop.Cancel();
        Task.WaitAll(ticks);
        audio.Release(clock.ElapsedMilliseconds + 5000, Consume);
        var offsets = delivered.Select(s => (ushort)(s - first)).ToArray();
        bool increasing = offsets.Zip(offsets.Skip(1)).All(p => p.First < p.Second);
        return overlaps == 0 && increasing && audio.Buffered == 0 && delivered.Count + rejected == n;
    }

    /// <summary>The real SIP media session: reordered RTP in on its socket, our audio out on its tick, frames out in order from one thread.</summary>
    [Property(MaxTest = 8)]
    public bool An_rtp_session_delivers_reordered_input_in_order_from_one_thread_while_sending(byte spread, int seed)
    {
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var session = RtpSession.Open(new RtpSessionOptions { JitterBuffer = new() { MaxDelayMs = 200, MaxPackets = 100 } });
        var frames = new ConcurrentQueue<(short First, int Thread)>();
        int inside = 0, overlaps = 0;
        session.AudioReceived += pcm =>
        {
            if (Interlocked.Increment(ref inside) > 1) Interlocked.Increment(ref overlaps);
            frames.Enqueue((pcm[0], Environment.CurrentManagedThreadId));
            Interlocked.Decrement(ref inside);
        };
        session.Start(new RtpAvpNegotiation((IPEndPoint)peer.LocalEndPoint!, new SdpCodec("PCMU", 0, 8000, 1), null, MediaDirection.SendRecv));
        const int n = 60;
        // Payload byte i+1 (μ-law) marks frame i; its decoded value identifies the frame on the way out.
        var marks = Enumerable.Range(0, n).Select(i => G711.MuLawDecode((byte)(i + 1))).ToArray();
        var sending = Task.Run(() =>
        {
            for (int i = 0; i < 10; i++) session.SendAudio(new short[400]);
        });
        var buffer = new byte[200];
        foreach (var seq in Reordered(n, 1 + spread % 6, seed, 1000))
        {
            var packet = new RtpPacket { PayloadType = 0, SequenceNumber = seq, Timestamp = (uint)(seq * 160), Ssrc = 7, Payload = Enumerable.Repeat((byte)(seq - 1000 + 1), 160).ToArray() };
            peer.SendTo(buffer.AsSpan(0, packet.WriteTo(buffer)), SocketFlags.None, session.LocalEndPoint);
        }
        sending.Wait();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (frames.Count < n && DateTime.UtcNow < deadline) Thread.Sleep(5);
        session.DisposeAsync().AsTask().Wait();
        var got = frames.ToArray();
        var indices = got.Select(f => Array.IndexOf(marks, f.First)).ToArray();
        bool inOrder = indices.Zip(indices.Skip(1)).All(p => p.First < p.Second);
        return got.Length == n && inOrder && overlaps == 0 && got.Select(f => f.Thread).Distinct().Count() == 1
            && session.PacketsSent > 0;
    }
}
