using System.Diagnostics;

namespace Orchestrator.Media.Tests.Sip;

/// <summary>Speech for SIPp's rtp_stream: espeak-ng, converted by sox to raw 8 kHz mu-law (payload type 0).</summary>
public static class SpeechFile
{
    public static async Task CreateAsync(string path, string text, string? voice = null)
    {
        string wav = Path.ChangeExtension(path, ".wav");
        await RunAsync("espeak-ng", (voice is null ? "" : $"-v {voice} ") + $"-w \"{wav}\" \"{text}\"");
        await RunAsync("sox", $"\"{wav}\" -r 8000 -c 1 -t ul \"{path}\"");
    }

    /// <summary>
    /// The same speech as a 16-bit mono WAV at <paramref name="rate"/> Hz, for a softphone's file microphone,
    /// after <paramref name="leadSeconds"/> and followed by <paramref name="silenceSeconds"/> of silence (baresip
    /// starts its file as the call is answered, and hangs up when it ends).
    /// </summary>
    public static async Task CreateWavAsync(string path, string text, string? voice = null, int rate = 8000, double leadSeconds = 0, int silenceSeconds = 0)
    {
        string raw = Path.ChangeExtension(path, ".espeak.wav");
        await RunAsync("espeak-ng", (voice is null ? "" : $"-v {voice} ") + $"-w \"{raw}\" \"{text}\"");
        await RunAsync("sox", $"\"{raw}\" -r {rate} -c 1 -b 16 \"{path}\" pad {leadSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)} {silenceSeconds}");
    }

    private static async Task RunAsync(string file, string args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await process.WaitForExitAsync(cts.Token);
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} failed: {await process.StandardError.ReadToEndAsync()}");
    }
}
