namespace Orchestrator.Speech.Synthesis.Espeak;

public sealed record EspeakOptions
{
    /// <summary>The executable; found on PATH by default (Debian package espeak-ng).</summary>
    public string Executable { get; init; } = "espeak-ng";

    public string DefaultVoice { get; init; } = "en-us";

    /// <summary>espeak-ng's rate at <see cref="VoiceOptions.Speed"/> 1.0, in words per minute.</summary>
    public int WordsPerMinute { get; init; } = 175;
}
