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

    private static async Task RunAsync(string file, string args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await process.WaitForExitAsync(cts.Token);
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} failed: {await process.StandardError.ReadToEndAsync()}");
    }
}
