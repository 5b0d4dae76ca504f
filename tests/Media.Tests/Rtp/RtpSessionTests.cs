using System.Collections.Concurrent;
using Orchestrator.Media.Rtp;
using Orchestrator.Media.Sdp;

namespace Orchestrator.Media.Tests.Rtp;

/// <summary>Two real sessions on loopback: one at the speech pipeline's 16 kHz, one at G.711's own 8 kHz.</summary>
public sealed class RtpSessionTests
{
    private static short[] Tone(int rate, int samples, double hz = 440, short amplitude = 8000) =>
        Enumerable.Range(0, samples).Select(i => (short)(amplitude * Math.Sin(2 * Math.PI * hz * i / rate))).ToArray();

    private static double Rms(IEnumerable<short> pcm)
    {
        double sum = 0;
        long n = 0;
        foreach (var s in pcm)
        {
            sum += (double)s * s;
            n++;
        }
        return n == 0 ? 0 : Math.Sqrt(sum / n);
    }

    private static RtpAvpNegotiation Pcmu(RtpSession to) =>
        new(to.LocalEndPoint, new SdpCodec("PCMU", 0, 8000, 1), null, MediaDirection.SendRecv);

    [Fact]
    public async Task A_16_kHz_session_resamples_both_ways_and_counts_playback_in_its_own_samples()
    {
        await using var wide = RtpSession.Open(new RtpSessionOptions { PcmSampleRate = 16000, SendSilenceWhenIdle = false });
        await using var narrow = RtpSession.Open(new RtpSessionOptions { SendSilenceWhenIdle = false });
        var atNarrow = new ConcurrentQueue<short[]>();
        var atWide = new ConcurrentQueue<short[]>();
        narrow.AudioReceived += f => atNarrow.Enqueue(f);
        wide.AudioReceived += f => atWide.Enqueue(f);
        wide.Start(Pcmu(narrow));
        narrow.Start(Pcmu(wide));
        Assert.Equal(16000, wide.PcmSampleRate);

        long end = wide.SendAudio(Tone(16000, 16000 / 5)); // 200 ms
        Assert.Equal(3200, end);
        narrow.SendAudio(Tone(8000, 8000 / 5));

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while ((atNarrow.Count < 10 || atWide.Count < 10 || wide.AudioSamplesSent < end) && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.Equal(3200, wide.AudioSamplesSent);
        Assert.Equal(0, wide.PendingSamples);
        Assert.All(atNarrow, f => Assert.Equal(160, f.Length));
        Assert.All(atWide, f => Assert.Equal(320, f.Length));
        // The tone survives both resamplings and G.711 (amplitude 8000 → RMS ≈ 5657).
        Assert.InRange(Rms(atNarrow.Skip(2).SelectMany(f => f)), 4000, 7000);
        Assert.InRange(Rms(atWide.Skip(2).SelectMany(f => f)), 4000, 7000);
    }

    [Fact]
    public async Task Clearing_reports_what_was_dropped_and_playback_goes_on_from_where_it_was()
    {
        await using var wide = RtpSession.Open(new RtpSessionOptions { PcmSampleRate = 16000 });
        await using var narrow = RtpSession.Open();
        wide.Start(Pcmu(narrow));
        long end = wide.SendAudio(new short[16000 * 5]);
        long dropped = wide.ClearAudio();
        long sent = wide.AudioSamplesSent;
        Assert.Equal(end - sent, dropped);
        Assert.Equal(0, wide.PendingSamples);
        Assert.Equal(sent + 320, wide.SendAudio(new short[320]));
    }

    [Fact]
    public async Task While_the_peer_holds_the_call_nothing_is_sent_or_heard_and_playback_resumes_after()
    {
        await using var ours = RtpSession.Open(new RtpSessionOptions { PcmSampleRate = 16000, SendSilenceWhenIdle = false });
        await using var peer = RtpSession.Open(new RtpSessionOptions { SendSilenceWhenIdle = true });
        var heard = new ConcurrentQueue<short[]>();
        ours.AudioReceived += f => heard.Enqueue(f);
        // The peer's re-INVITE offered sendonly: it plays music on hold and wants nothing from us.
        ours.Start(Pcmu(peer) with { Direction = MediaDirection.SendOnly });
        peer.Start(Pcmu(ours));
        long end = ours.SendAudio(Tone(16000, 16000 / 2)); // 500 ms queued while held
        peer.SendAudio(Tone(8000, 8000 / 2));

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (ours.PacketsReceived < 25 && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.True(ours.PacketsReceived >= 25, $"the peer's packets arrive while held ({ours.PacketsReceived})");
        Assert.Equal(0, ours.PacketsSent);
        Assert.Equal(0, ours.AudioSamplesSent);
        Assert.Equal(end, ours.PendingSamples);
        Assert.Empty(heard);

        // The re-INVITE that takes the hold off: the queued speech goes out, and the peer is heard.
        ours.Start(Pcmu(peer));
        deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while ((ours.AudioSamplesSent < end || heard.IsEmpty) && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.Equal(end, ours.AudioSamplesSent);
        Assert.True(ours.PacketsSent >= 25, $"sent {ours.PacketsSent} packets after the resume");
        Assert.NotEmpty(heard);
    }

    [Fact]
    public async Task After_a_hold_the_stream_resumes_with_a_marker_and_timestamps_that_kept_the_time()
    {
        using var peer = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork,
            System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        peer.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        var toPeer = new RtpAvpNegotiation((System.Net.IPEndPoint)peer.LocalEndPoint!, new SdpCodec("PCMU", 0, 8000, 1), null, MediaDirection.SendRecv);
        await using var ours = RtpSession.Open(new RtpSessionOptions { SendSilenceWhenIdle = true });
        var holds = new ConcurrentQueue<bool>();
        ours.HoldChanged += h => holds.Enqueue(h);
        var buffer = new byte[1500];
        async Task<RtpPacket> NextAsync()
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            while (true)
            {
                int n = await peer.ReceiveAsync(buffer, System.Net.Sockets.SocketFlags.None, cts.Token);
                if (!RtcpCompoundPacket.LooksLikeRtcp(buffer.AsSpan(0, n))) return RtpPacket.Parse(buffer.AsSpan(0, n));
            }
        }

        ours.Start(toPeer);
        RtpPacket last = await NextAsync();
        for (int i = 0; i < 10; i++) last = await NextAsync();
        ours.Start(toPeer with { Direction = MediaDirection.SendOnly });
        var heldFor = System.Diagnostics.Stopwatch.StartNew();
        await Task.Delay(600);
        while (peer.Available > 0) last = await NextAsync(); // what was on its way before the hold
        ours.Start(toPeer);
        var first = await NextAsync();
        double held = heldFor.Elapsed.TotalSeconds;

        Assert.True(first.Marker, "the first packet after the hold starts a talkspurt");
        Assert.Equal((ushort)(last.SequenceNumber + 1), first.SequenceNumber); // no packet was sent, none is missing
        double advanced = (first.Timestamp - last.Timestamp) / 8000.0;
        Assert.InRange(advanced, 0.5, held + 0.1); // the stream's clock went on through the hold
        Assert.Equal([true, false], holds); // the hold and the resume, each once (the first Start is no change)
    }

    [Theory]
    [InlineData(0)]
    [InlineData(44100)]
    [InlineData(48000)]
    public void Only_8_or_16_kHz_pcm_is_accepted(int rate)
    {
        var error = Assert.Throws<ArgumentException>(() => RtpSession.Open(new RtpSessionOptions { PcmSampleRate = rate }));
        Assert.Contains($"PcmSampleRate must be 8000 or 16000, not {rate}", error.Message);
    }
}
