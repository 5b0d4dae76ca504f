namespace Orchestrator.Speech;

/// <summary>An OpenAI-compatible speech vendor: where it is, the key, the model.</summary>
public sealed record OpenAiCompatibleOptions
{
    /// <summary>The API root including <c>/v1</c>, e.g. <c>https://api.openai.com/v1</c>.</summary>
    public required Uri BaseAddress { get; init; }

    public string? ApiKey { get; init; }

    /// <summary>e.g. <c>whisper-1</c> for transcription, <c>tts-1</c> for speech.</summary>
    public required string Model { get; init; }

    /// <summary>ISO-639-1 hint for transcription (optional).</summary>
    public string? Language { get; init; }

    internal Uri Endpoint(string relative) =>
        new(new Uri(BaseAddress.ToString().TrimEnd('/') + "/"), relative);
}
