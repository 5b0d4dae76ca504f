using Orchestrator.Media.Codecs;

namespace Orchestrator.Media.Tests.Codecs;

public class ResamplerTests
{
    private static short[] Sine(double frequency, int rate, int samples, double amplitude = 10000) =>
        Enumerable.Range(0, samples).Select(i => (short)Math.Round(amplitude * Math.Sin(2 * Math.PI * frequency * i / rate))).ToArray();

    private static double Rms(ReadOnlySpan<short> samples)
    {
        double sum = 0;
        foreach (var s in samples) sum += (double)s * s;
        return Math.Sqrt(sum / samples.Length);
    }

    /// <summary>Amplitude of one frequency component (single-bin DFT), independent of delay.</summary>
    private static double Component(ReadOnlySpan<short> samples, double frequency, int rate)
    {
        double re = 0, im = 0;
        for (int i = 0; i < samples.Length; i++)
        {
            re += samples[i] * Math.Cos(2 * Math.PI * frequency * i / rate);
            im += samples[i] * Math.Sin(2 * Math.PI * frequency * i / rate);
        }
        return 2 * Math.Sqrt(re * re + im * im) / samples.Length;
    }

    [Theory]
    [InlineData(8000, 16000)]
    [InlineData(8000, 48000)]
    [InlineData(16000, 48000)]
    [InlineData(16000, 8000)]
    [InlineData(48000, 8000)]
    [InlineData(48000, 16000)]
    public void Passes_an_in_band_tone_at_the_right_frequency_and_level(int from, int to)
    {
        var input = Sine(1000, from, from); // one second
        var resampler = new Resampler(from, to);
        var output = new List<short>();
        for (int offset = 0; offset < input.Length; offset += from / 50) // 20 ms frames, as in a call
            output.AddRange(resampler.Process(input.AsSpan(offset, from / 50)));
        Assert.Equal(to, output.Count);
        var steady = output.Skip(to / 10).Take(to / 2).ToArray(); // skip the filter's start-up
        Assert.InRange(Component(steady, 1000, to), 9700, 10300);
        Assert.InRange(Rms(steady), 10000 / Math.Sqrt(2) * 0.97, 10000 / Math.Sqrt(2) * 1.03);
        // Nothing much elsewhere: the residual after removing the tone is small.
        Assert.True(Component(steady, 1500, to) < 100);
    }

    [Theory]
    [InlineData(48000, 8000, 6000)]
    [InlineData(16000, 8000, 5000)]
    [InlineData(48000, 16000, 11000)]
    public void Attenuates_tones_above_the_new_nyquist(int from, int to, double frequency)
    {
        var output = Resampler.Resample(Sine(frequency, from, from), from, to);
        var steady = output.AsSpan(to / 10, to / 2);
        Assert.True(Rms(steady) < 10000 * 0.01, $"aliased energy {Rms(steady):F0}");
    }

    [Fact]
    public void Streaming_in_odd_chunks_matches_one_shot()
    {
        var input = Sine(700, 8000, 4000);
        var oneShot = Resampler.Resample(input, 8000, 48000);
        var resampler = new Resampler(8000, 48000);
        var chunked = new List<short>();
        var random = new Random(1);
        for (int offset = 0; offset < input.Length;)
        {
            int n = Math.Min(random.Next(1, 300), input.Length - offset);
            chunked.AddRange(resampler.Process(input.AsSpan(offset, n)));
            offset += n;
        }
        Assert.Equal(oneShot, chunked);
    }

    [Fact]
    public void Same_rate_is_a_copy_and_silence_stays_silent()
    {
        var input = Sine(300, 8000, 160);
        Assert.Equal(input, Resampler.Resample(input, 8000, 8000));
        Assert.All(Resampler.Resample(new short[960], 48000, 8000), s => Assert.Equal(0, s));
    }
}
