namespace Orchestrator.Speech.Audio;

/// <summary>The parts of a WAV <c>fmt </c> chunk this library understands (integer PCM only).</summary>
public sealed record WavFormat(int SampleRate, int Channels, int BitsPerSample);
