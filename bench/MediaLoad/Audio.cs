using System.Diagnostics;
using Orchestrator.Media.Codecs;

namespace MediaLoad;

/// <summary>Recorded speech, made once per run with espeak-ng (-w) and sox: 16 kHz mono PCM.</summary>
internal static class RecordedAudio
{
    /// <summary>Speech with leading and trailing silence trimmed (sox silence), 16 kHz.</summary>
    public static short[] Speak(string text, string voice, string dir)
    {
        Directory.CreateDirectory(dir);
        string raw = Path.Combine(dir, $"espeak-{Math.Abs(text.GetHashCode()):x}-{voice.Replace('+', '_')}.wav");
        string pcm = Path.ChangeExtension(raw, ".s16");
        Run("espeak-ng", "-v", voice, "-s", "165", "-w", raw, text);
        // 16 kHz, 16-bit, mono, raw; trim silence at both ends (above 1 % for 20 ms).
        Run("sox", raw, "-t", "raw", "-r", "16000", "-e", "signed-integer", "-b", "16", "-c", "1", pcm,
            "silence", "1", "0.02", "1%", "reverse", "silence", "1", "0.02", "1%", "reverse");
        var bytes = File.ReadAllBytes(pcm);
        var samples = new short[bytes.Length / 2];
        Buffer.BlockCopy(bytes, 0, samples, 0, samples.Length * 2);
        return samples;
    }

    private static void Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} failed ({p.ExitCode}): {err}");
    }

    /// <summary>16 kHz PCM → 20 ms PCMU payloads (160 bytes each), padded to whole frames.</summary>
    public static byte[][] ToPcmuFrames(short[] pcm16k)
    {
        var codec = new PcmuCodec();
        var down = new Resampler(16000, 8000);
        var frames = new List<byte[]>();
        for (int i = 0; i < pcm16k.Length; i += 320)
        {
            var frame = new short[320];
            pcm16k.AsSpan(i, Math.Min(320, pcm16k.Length - i)).CopyTo(frame);
            var pcm8 = down.Process(frame);
            if (pcm8.Length != 160) Array.Resize(ref pcm8, 160);
            frames.Add(codec.Encode(pcm8));
        }
        return frames.ToArray();
    }

    public static short[] Silence(int ms) => new short[ms * 16];

    public static short[] Concat(params short[][] parts) => parts.SelectMany(p => p).ToArray();

    public static double Rms(ReadOnlySpan<short> pcm)
    {
        double sum = 0;
        foreach (var s in pcm) sum += (double)s * s;
        return Math.Sqrt(sum / Math.Max(1, pcm.Length));
    }

    /// <summary>A microphone's noise bed, about −60 dBFS, as PCMU frames (the VAD's noise floor).</summary>
    public static byte[][] NoiseFrames(int count, int seed = 7)
    {
        var random = new Random(seed);
        var pcm = new short[count * 320];
        for (int i = 0; i < pcm.Length; i++) pcm[i] = (short)(random.NextDouble() * 60 - 30);
        return ToPcmuFrames(pcm);
    }
}
