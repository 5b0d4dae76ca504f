using System.ComponentModel;
using System.Diagnostics;
using Orchestrator.Media.Codecs.Opus;
using Orchestrator.Speech.Recognition.Pocketsphinx;

namespace Orchestrator.Node.Hosting;

/// <summary>
/// Which speech engines and codecs this node can use, found once at start-up. A problem names the
/// Debian package to install; a recognizer or synthesizer problem makes voice calls fail to open.
/// </summary>
public sealed record SpeechEngineStatus(string Recognizer, string? RecognizerProblem, string Synthesizer, string? SynthesizerProblem, string? OpusProblem)
{
    /// <summary>Why a voice call cannot open on this node, or null when it can.</summary>
    public string? VoiceCallProblem =>
        RecognizerProblem is null && SynthesizerProblem is null ? null
            : "Voice calls are not available on this node: " +
              string.Join("; ", new[] { RecognizerProblem, SynthesizerProblem }.Where(p => p is not null));

    public string Describe() => string.Join("; ",
        $"recognizer {Recognizer}: {RecognizerProblem ?? "usable"}",
        $"synthesizer {Synthesizer}: {SynthesizerProblem ?? "usable"}",
        $"codec opus: {OpusProblem ?? "usable"}",
        "codec PCMU/PCMA: usable (built in)");

    public static SpeechEngineStatus Probe(VoiceOptions voice, SpeechOptions speech)
    {
        string? recognizer = voice.Recognizer == "pocketsphinx" ? PocketsphinxRecognizer.Problem(speech.Pocketsphinx()) : null;
        string? synthesizer = voice.Synthesizer == "espeak" ? EspeakProblem(speech.EspeakExecutable) : null;
        string? opus = OpusLibrary.IsAvailable ? null : "libopus.so.0 not found (Debian package libopus0); web calls fall back to PCMU";
        return new SpeechEngineStatus(voice.Recognizer, recognizer, voice.Synthesizer, synthesizer, opus);
    }

    /// <summary>espeak-ng is started per line spoken: it must start and answer --version.</summary>
    private static string? EspeakProblem(string executable)
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
