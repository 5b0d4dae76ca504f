using System.ComponentModel;
using System.Diagnostics;
using Orchestrator.Media.Codecs.Opus;
using Orchestrator.Speech.Recognition.Pocketsphinx;
using Orchestrator.Speech.Vendors;

namespace Orchestrator.Node.Hosting;

/// <summary>
/// Which embedded speech engines and codecs this node can use, found once at start-up. Both embedded
/// engines are probed whatever the defaults, since any agent may name either. A problem names the
/// Debian package to install; a call whose agent needs a missing engine fails to open with it.
/// </summary>
public sealed record SpeechEngineStatus(string? PocketsphinxProblem, string? EspeakProblem, string? OpusProblem)
{
    /// <summary>Every vendor's state (the node's defaults marked) and the codecs', for the start-up log and /readyz.</summary>
    public string Describe(SpeechEngineRegistry registry) => string.Join("; ", registry.Describe().Concat([
        $"codec opus: {OpusProblem ?? "usable"}",
        "codec PCMU/PCMA: usable (built in)"]));

    public static SpeechEngineStatus Probe(SpeechOptions speech) => new(
        PocketsphinxRecognizer.Problem(speech.Pocketsphinx()),
        ProbeEspeak(speech.EspeakExecutable),
        OpusLibrary.IsAvailable ? null : "libopus.so.0 not found (Debian package libopus0); web calls fall back to PCMU");

    /// <summary>espeak-ng is started per line spoken: it must start and answer --version.</summary>
    private static string? ProbeEspeak(string executable)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(executable, "--version")
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            })!;
            process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(10_000))
            {
                process.Kill(entireProcessTree: true);
                return $"espeak-ng ('{executable}') did not answer --version (Debian package espeak-ng)";
            }
            return process.ExitCode == 0 ? null : $"espeak-ng ('{executable}') exited with code {process.ExitCode} (Debian package espeak-ng)";
        }
        catch (Win32Exception)
        {
            return $"espeak-ng not found ('{executable}'; install the Debian package espeak-ng)";
        }
    }
}
