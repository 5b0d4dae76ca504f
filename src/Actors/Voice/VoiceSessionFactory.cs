using Akka.Actor;
using Orchestrator.Speech.Recognition;
using Orchestrator.Speech.Synthesis;

namespace Orchestrator.Actors.Voice;

/// <summary>The node's voice sessions: one media configuration and speech engines shared by all calls.</summary>
public sealed class VoiceSessionFactory(
    MediaSettings media, ISpeechRecognizer recognizer, ISpeechSynthesizer synthesizer, VoicePipelineOptions? pipeline = null,
    SipTelephony? telephony = null)
    : IVoiceSessionFactory
{
    private readonly VoicePipelineOptions _pipeline = pipeline ?? new VoicePipelineOptions();

    public Props WebCall(VoiceSessionSettings settings) =>
        Props.Create(() => new WebCallSession(settings, media, recognizer, synthesizer, _pipeline));

    public Props PhoneCall(VoiceSessionSettings settings, PhoneDial dial) =>
        telephony is null
            ? throw new InvalidOperationException("phone calls are not configured on this node")
            : Props.Create(() => new PhoneCallSession(settings, telephony, dial, recognizer, synthesizer, _pipeline));
}
