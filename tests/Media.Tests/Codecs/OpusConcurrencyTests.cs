using Orchestrator.Media.Codecs.Opus;

namespace Orchestrator.Media.Tests.Codecs;

/// <summary>
/// Native handles used from several threads (issue 12's class of fault): one codec shared by many
/// threads while another disposes it must give whole frames or ObjectDisposedException, never a crash
/// or a torn frame.
/// </summary>
public class OpusConcurrencyTests
{
    private static short[] Tone(int frame) =>
        Enumerable.Range(frame * 960, 960).Select(i => (short)(8000 * Math.Sin(2 * Math.PI * 440 * i / 48000))).ToArray();

    [Fact]
    public void A_codec_shared_by_sixteen_threads_and_disposed_mid_stream_gives_whole_frames_or_a_clear_refusal()
    {
        Assert.True(OpusLibrary.IsAvailable, "libopus.so.0 not found: install the Debian package libopus0");
        for (int round = 0; round < 5; round++)
        {
            var codec = new OpusCodec();
            int frames = 0, refused = 0;
            var unexpected = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
            using var start = new Barrier(17);
            var workers = Enumerable.Range(0, 16).Select(t => new Thread(() =>
            {
                start.SignalAndWait();
                for (int i = 0; i < 200; i++)
                {
                    try
                    {
                        var decoded = codec.Decode(codec.Encode(Tone(i)));
                        Assert.Equal(960, decoded.Length);
                        Interlocked.Increment(ref frames);
                    }
                    catch (ObjectDisposedException) { Interlocked.Increment(ref refused); return; }
                    catch (Exception e) { unexpected.Enqueue(e); return; }
                }
            })).ToList();
            workers.ForEach(w => w.Start());
            start.SignalAndWait();
            // Mid-stream by what was coded, not by a fixed sleep: on a loaded machine 5 ms can pass
            // before any worker has run, and the disposal would then test nothing.
            Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref frames) >= 1 + round * 8, TimeSpan.FromSeconds(30)),
                "no frame was coded in 30 s");
            codec.Dispose();
            workers.ForEach(w => Assert.True(w.Join(TimeSpan.FromSeconds(60))));

            Assert.Empty(unexpected);
            Assert.True(frames > 0, "no frame was coded before the disposal");
            Assert.Throws<ObjectDisposedException>(() => codec.Encode(Tone(0)));
            Assert.Throws<ObjectDisposedException>(() => codec.Decode([0xF8, 0xFF, 0xFE]));
        }
    }

    [Fact]
    public void An_encoder_or_decoder_disposed_twice_or_used_after_disposal_refuses_clearly()
    {
        Assert.True(OpusLibrary.IsAvailable, "libopus.so.0 not found: install the Debian package libopus0");
        var encoder = new OpusEncoder();
        var decoder = new OpusDecoder();
        encoder.Dispose();
        encoder.Dispose();
        decoder.Dispose();
        decoder.Dispose();
        Assert.Throws<ObjectDisposedException>(() => encoder.Encode(Tone(0)));
        Assert.Throws<ObjectDisposedException>(() => encoder.Bitrate = 16000);
        Assert.Throws<ObjectDisposedException>(() => decoder.Decode([]));
    }
}
