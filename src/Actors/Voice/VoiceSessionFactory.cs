using Akka.Actor;
using Orchestrator.Speech.Recognition;
using Orchestrator.Speech.Synthesis;

namespace Orchestrator.Actors.Voice;

/// <summary>The node's voice sessions: one media configuration and speech engines shared by all calls.</summary>
public sealed class VoiceSessionFactory(
    MediaSettings media, ISpeechRecognizer recognizer, ISpeechSynthesizer synthesizer, VoicePipelineOptions? pipeline = null)
    : IVoiceSessionFactory
{
    private readonly VoicePipelineOptions _pipeline = pipeline ?? new VoicePipelineOptions();

    public Props WebCall(VoiceSessionSettings settings) =>
        Props.Create(() => new WebCallSession(settings, media, recognizer, synthesizer, _pipeline));
}
