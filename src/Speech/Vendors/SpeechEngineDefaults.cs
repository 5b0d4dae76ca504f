namespace Orchestrator.Speech.Vendors;

/// <summary>The node's speech settings: what an agent that names no vendor, model or endpoint gets.</summary>
public sealed record SpeechEngineDefaults
{
    public string Recognizer { get; init; } = SpeechVendors.Pocketsphinx;
    public string Synthesizer { get; init; } = SpeechVendors.Espeak;

    /// <summary>The node's OpenAI-compatible API root (including /v1); null: only agents with their own endpoint can use openai.</summary>
    public Uri? OpenAiBaseAddress { get; init; }
    public string? OpenAiApiKey { get; init; }
    public string TranscriptionModel { get; init; } = "whisper-1";
    public string SpeechModel { get; init; } = "tts-1";
}
