using Akka.Event;
using Orchestrator.Actors.Voice.Legs;
using Orchestrator.Speech.Recognition;
using Orchestrator.Speech.Synthesis;

namespace Orchestrator.Actors.Voice;

/// <summary>
/// The voice session of one phone call: the shared speech pipeline over a dialled SIP leg. Dials at
/// once; the answer is MediaConnected, a failed dial is MediaFailed with the SIP finish reason, and
/// Hangup (or the session stopping) sends our CANCEL or BYE.
/// </summary>
public sealed class PhoneCallSession(VoiceSessionSettings settings, SipTelephony telephony, PhoneDial dial,
    ISpeechRecognizer recognizer, ISpeechSynthesizer synthesizer, VoicePipelineOptions? pipeline = null)
    : VoiceSession(settings, recognizer, synthesizer, pipeline)
{
    protected override IMediaLeg CreateLeg() => telephony.CreateLeg(dial);

    protected override void LegCreated(IMediaLeg leg)
    {
        Log.Info("dialling {0} through trunk {1}", dial.Endpoint, dial.TrunkId);
        ((SipMediaLeg)leg).Dial();
    }
}
