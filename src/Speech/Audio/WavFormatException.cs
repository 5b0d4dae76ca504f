namespace Orchestrator.Speech.Audio;

/// <summary>Audio that is not a WAV stream this library can read; the message says what is wrong.</summary>
public sealed class WavFormatException(string message) : FormatException(message);
