using System.Diagnostics;

namespace Orchestrator.Browser.Tests;

/// <summary>Speech made with espeak-ng and converted with sox, as the fake microphone and as agent audio.</summary>
public static class TestAudio
{
    private static readonly Lazy<(string Wav48k, short[] Pcm16k)> Speech = new(Make);

    /// <summary>A 48 kHz mono WAV for Chromium's --use-file-for-fake-audio-capture.</summary>
    public static string MicrophoneWav => Speech.Value.Wav48k;

    /// <summary>The same speech as 16 kHz mono PCM.</summary>
    public static short[] Pcm16k => Speech.Value.Pcm16k;

    public static short[] Tone16k(double hz, TimeSpan duration, short amplitude = 8000) =>
        Enumerable.Range(0, (int)(duration.TotalSeconds * 16000))
            .Select(i => (short)(amplitude * Math.Sin(2 * Math.PI * hz * i / 16000))).ToArray();

    public static double Rms(ReadOnlySpan<short> pcm)
    {
        if (pcm.IsEmpty) return 0;
        double sum = 0;
        foreach (short s in pcm) sum += (double)s * s;
        return Math.Sqrt(sum / pcm.Length);
    }

    private static (string, short[]) Make()
    {
        var dir = Directory.CreateTempSubdirectory("browser-tests-audio").FullName;
        string raw = Path.Combine(dir, "speech.wav"), wav = Path.Combine(dir, "mic48k.wav"), pcm = Path.Combine(dir, "speech16k.raw");
        Run("espeak-ng", "-s", "150", "-w", raw, "Hello, I would like to book a table for two people tomorrow evening at seven, please. Thank you very much.");
        Run("sox", raw, "-r", "48000", "-c", "1", "-b", "16", wav);
        Run("sox", raw, "-r", "16000", "-c", "1", "-b", "16", "-e", "signed-integer", "-t", "raw", pcm);
        var bytes = File.ReadAllBytes(pcm);
        var samples = new short[bytes.Length / 2];
        Buffer.BlockCopy(bytes, 0, samples, 0, samples.Length * 2);
        return (wav, samples);
    }

    private static void Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start");
        string err = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} failed ({process.ExitCode}): {err}");
    }
}
