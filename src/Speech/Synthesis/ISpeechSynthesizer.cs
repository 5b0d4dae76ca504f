namespace Orchestrator.Speech.Synthesis;

/// <summary>A speech synthesis engine. Thread-safe: concurrent syntheses are independent.</summary>
public interface ISpeechSynthesizer
{
    /// <summary>
    /// Speaks <paramref name="text"/> as 16 kHz mono PCM chunks, yielded as soon as the engine produces
    /// them (so playback can start before synthesis ends). Cancelling, or abandoning the enumeration,
    /// stops the engine.
    /// </summary>
    IAsyncEnumerable<short[]> SynthesizeAsync(string text, VoiceOptions? options = null, CancellationToken cancellationToken = default);
}
