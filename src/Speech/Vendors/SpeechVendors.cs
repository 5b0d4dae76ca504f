namespace Orchestrator.Speech.Vendors;

/// <summary>The speech vendors an agent can name in <c>sttConfig.vendor</c> and <c>ttsConfig.vendor</c>.</summary>
public static class SpeechVendors
{
    /// <summary>Embedded, offline recognition.</summary>
    public const string Pocketsphinx = "pocketsphinx";

    /// <summary>Embedded, offline synthesis (espeak-ng, a process per line).</summary>
    public const string Espeak = "espeak";

    /// <summary>An OpenAI-compatible <c>/v1/audio/transcriptions</c> or <c>/v1/audio/speech</c> server.</summary>
    public const string OpenAi = "openai";

    public static readonly IReadOnlyList<string> Recognizers = [Pocketsphinx, OpenAi];

    public static readonly IReadOnlyList<string> Synthesizers = [Espeak, OpenAi];

    public static IReadOnlyList<string> Of(SpeechEngineKind kind) => kind == SpeechEngineKind.Recognizer ? Recognizers : Synthesizers;
}

public enum SpeechEngineKind
{
    Recognizer,
    Synthesizer,
}
