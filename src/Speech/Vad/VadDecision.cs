namespace Orchestrator.Speech.Vad;

/// <summary>
/// One frame's classification. <see cref="IsSpeech"/> includes hangover; <see cref="IsRawSpeech"/>
/// is the frame's own verdict, which endpointing uses to place the end of speech precisely.
/// </summary>
public readonly record struct VadDecision(bool IsSpeech, bool IsRawSpeech, double EnergyDb, double NoiseFloorDb, double ZeroCrossingRate);
