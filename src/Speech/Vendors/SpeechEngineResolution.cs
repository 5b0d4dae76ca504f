using Orchestrator.Speech.Recognition;
using Orchestrator.Speech.Synthesis;

namespace Orchestrator.Speech.Vendors;

/// <summary>The engines of one call, or why the call cannot have them (then both engines are null).</summary>
public sealed record SpeechEngineResolution(ISpeechRecognizer? Recognizer, ISpeechSynthesizer? Synthesizer, string? Problem)
{
    public static SpeechEngineResolution Of(ISpeechRecognizer recognizer, ISpeechSynthesizer synthesizer) => new(recognizer, synthesizer, null);

    public static SpeechEngineResolution Failed(string problem) => new(null, null, problem);
}
