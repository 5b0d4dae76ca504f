namespace Orchestrator.Speech.Tests.Support;

/// <summary>Deterministic synthetic audio at 16 kHz.</summary>
public static class Signals
{
    public const int Rate = 16_000;

    public static int Samples(int ms) => Rate * ms / 1000;

    public static short[] Silence(int ms) => new short[Samples(ms)];

    public static short[] Tone(int ms, double hz, double dbfs)
    {
        double amp = 32767 * Math.Pow(10, dbfs / 20) * Math.Sqrt(2); // RMS at dbfs
        var s = new short[Samples(ms)];
        for (int i = 0; i < s.Length; i++) s[i] = (short)Math.Clamp(amp * Math.Sin(2 * Math.PI * hz * i / Rate), short.MinValue, short.MaxValue);
        return s;
    }

    public static short[] Noise(int ms, double dbfs, int seed)
    {
        var rng = new Random(seed);
        double amp = 32767 * Math.Pow(10, dbfs / 20) * Math.Sqrt(3); // uniform: RMS = amp/√3
        var s = new short[Samples(ms)];
        for (int i = 0; i < s.Length; i++) s[i] = (short)Math.Clamp(amp * (2 * rng.NextDouble() - 1), short.MinValue, short.MaxValue);
        return s;
    }

    public static short[] Concat(params short[][] parts) => parts.SelectMany(p => p).ToArray();

    /// <summary>Adds <paramref name="b"/> into <paramref name="a"/> (same length or shorter), saturating.</summary>
    public static short[] Mix(short[] a, short[] b)
    {
        var r = (short[])a.Clone();
        for (int i = 0; i < Math.Min(a.Length, b.Length); i++) r[i] = (short)Math.Clamp(a[i] + b[i], short.MinValue, short.MaxValue);
        return r;
    }

    public static IEnumerable<short[]> Frames(short[] pcm, int frameSamples = 320)
    {
        for (int i = 0; i + frameSamples <= pcm.Length; i += frameSamples) yield return pcm[i..(i + frameSamples)];
    }

    /// <summary>First and last sample index whose 10 ms window is above −45 dBFS: the "truth" for speech bounds.</summary>
    public static (int First, int Last) ActiveBounds(short[] pcm)
    {
        const int window = Rate / 100;
        int first = -1, last = -1;
        for (int i = 0; i + window <= pcm.Length; i += window)
        {
            double sum = 0;
            for (int k = i; k < i + window; k++) sum += (double)pcm[k] * pcm[k];
            double db = 10 * Math.Log10(sum / window / (32768.0 * 32768) + 1e-12);
            if (db > -45) { if (first < 0) first = i; last = i + window; }
        }
        return (first, last);
    }
}
