using Orchestrator.Speech.Audio;
using Orchestrator.Speech.Tests.Support;
using Orchestrator.Speech.Vad;

namespace Orchestrator.Speech.Tests.Audio;

public sealed class ResamplingTests
{
    private static double Correlation(short[] signal, double hz, int rate, int skip)
    {
        double si = 0, co = 0;
        int n = signal.Length - 2 * skip;
        for (int i = skip; i < skip + n; i++)
        {
            si += signal[i] * Math.Sin(2 * Math.PI * hz * i / rate);
            co += signal[i] * Math.Cos(2 * Math.PI * hz * i / rate);
        }
        return Math.Sqrt(si * si + co * co) * 2 / n; // amplitude at hz
    }

    [Theory]
    [InlineData(8000)]
    [InlineData(48000)]
    [InlineData(22050)]
    [InlineData(24000)]
    public void A_tone_keeps_its_frequency_and_level_through_conversion_to_16k(int rate)
    {
        var tone = new short[rate]; // one second of 1 kHz at amplitude 10 000
        for (int i = 0; i < tone.Length; i++) tone[i] = (short)(10000 * Math.Sin(2 * Math.PI * 1000 * i / rate));
        var at16k = PcmResampling.ToInternal(tone, rate);
        Assert.InRange(at16k.Length, 15_900, 16_010);
        Assert.InRange(Correlation(at16k, 1000, 16000, 400), 9_500, 10_300);
        Assert.True(Correlation(at16k, 1300, 16000, 400) < 300);
    }

    [Fact]
    public void Streaming_in_frames_equals_converting_at_once()
    {
        var speechLike = Signals.Noise(500, -20, seed: 3);
        var whole = PcmResampling.Create(16000, 8000).Process(speechLike);
        var streamed = new List<short>();
        var r = PcmResampling.Create(16000, 8000);
        foreach (var f in Signals.Frames(speechLike)) streamed.AddRange(r.Process(f));
        Assert.Equal(whole, streamed);
        Assert.Equal(8000 / 2, PcmResampling.To8k(speechLike).Length);
        Assert.Equal(48000 / 2, PcmResampling.To48k(speechLike).Length);
    }

    [Fact]
    public void The_fractional_resampler_is_seamless_across_blocks()
    {
        var input = Signals.Tone(300, 440, -10);
        var whole = new FractionalResampler(22050, 16000).Process(input);
        var r = new FractionalResampler(22050, 16000);
        var pieces = new List<short>();
        for (int i = 0; i < input.Length; i += 333) pieces.AddRange(r.Process(input.AsSpan(i, Math.Min(333, input.Length - i))));
        Assert.Equal(whole, pieces);
        Assert.True(EnergyVad.EnergyDb(whole.AsSpan(1000, 2000)) > -11);
    }

    [Fact]
    public void Frames_are_regrouped_to_20ms()
    {
        var acc = new FrameAccumulator();
        var frames = new List<short[]>();
        acc.Add(new short[500], frames.Add);
        acc.Add(new short[500], frames.Add);
        Assert.Equal(3, frames.Count);
        Assert.All(frames, f => Assert.Equal(320, f.Length));
        Assert.Equal(320, acc.Flush()!.Length);
        Assert.Null(acc.Flush());
    }
}
