namespace Orchestrator.Speech.Synthesis;

/// <summary>How to speak. Engines ignore what they cannot honour.</summary>
public sealed record VoiceOptions
{
    /// <summary>Engine-specific voice: an espeak-ng voice such as "en-us", an OpenAI voice such as "alloy". Null: the engine's default.</summary>
    public string? Voice { get; init; }

    /// <summary>Speaking rate relative to normal (1.0).</summary>
    public double Speed { get; init; } = 1.0;

    /// <summary>Size of the chunks yielded, 20–100 ms; smaller means earlier first audio.</summary>
    public int ChunkMilliseconds { get; init; } = 40;

    internal int ChunkSamples => Audio.PcmFormat.SampleRate * Math.Clamp(ChunkMilliseconds, 20, 100) / 1000;
}
