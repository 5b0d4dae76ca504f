namespace Orchestrator.Speech.Recognition;

/// <summary>A hypothesis for the current utterance; partial ones may still change, a final one will not.</summary>
public sealed record RecognitionResult(string Text, bool IsFinal, TimeSpan AudioDuration);
