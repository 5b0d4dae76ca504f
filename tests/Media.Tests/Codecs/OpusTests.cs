using Orchestrator.Media.Codecs;
using Orchestrator.Media.Codecs.Opus;

namespace Orchestrator.Media.Tests.Codecs;

/// <summary>Skips, saying why, when libopus is not installed (CI installs Debian libopus0).</summary>
public sealed class OpusFactAttribute : FactAttribute
{
    public OpusFactAttribute()
    {
        if (!OpusLibrary.IsAvailable) Skip = "libopus.so.0 not found: install the Debian package libopus0 to run the Opus tests";
    }
}

public class OpusTests
{
    [OpusFact]
    public void Encodes_and_decodes_20ms_frames_of_a_tone()
    {
        using IAudioCodec codec = new OpusCodec();
        Assert.Equal(("opus", 48000, 2, 960), (codec.Name, codec.ClockRate, codec.SdpChannels, codec.FrameSamples));
        var decoded = new List<short>();
        for (int frame = 0; frame < 25; frame++)
        {
            var pcm = Enumerable.Range(frame * 960, 960).Select(i => (short)(8000 * Math.Sin(2 * Math.PI * 440 * i / 48000))).ToArray();
            var packet = codec.Encode(pcm);
            Assert.InRange(packet.Length, 1, OpusEncoder.MaxPacketBytes);
            var pcmOut = codec.Decode(packet);
            Assert.Equal(960, pcmOut.Length);
            decoded.AddRange(pcmOut);
        }
        // Lossy, so check the energy: a 8000-peak sine has RMS ≈ 5657.
        double rms = Math.Sqrt(decoded.Skip(4800).Select(s => (double)s * s).Average());
        Assert.InRange(rms, 4000, 7000);
    }

    [OpusFact]
    public void Encoder_controls_apply_and_bad_input_raises_opus_errors()
    {
        using var encoder = new OpusEncoder();
        encoder.Bitrate = 24000;
        Assert.Equal(24000, encoder.Bitrate);
        encoder.SetComplexity(5);
        encoder.SetInbandFec(true);
        encoder.SetDtx(false);
        var error = Assert.Throws<OpusException>(() => encoder.Encode(new short[123])); // not a legal frame size
        Assert.Contains("opus_encode", error.Message);

        using var decoder = new OpusDecoder();
        Assert.Equal(960, decoder.Decode([]).Length); // loss concealment
        Assert.Throws<OpusException>(() => decoder.Decode(new byte[] { 0xFF, 0xFF, 0xFF }));
    }

    [Fact]
    public void Bad_parameters_fail_with_an_opus_error_not_a_crash()
    {
        if (!OpusLibrary.IsAvailable) return;
        var error = Assert.Throws<OpusException>(() => new OpusEncoder(sampleRate: 44100));
        Assert.Contains("opus_encoder_create", error.Message);
    }
}
