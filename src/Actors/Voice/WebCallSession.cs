using Akka.Actor;
using Orchestrator.Actors.Voice.Legs;
using Orchestrator.Speech.Recognition;
using Orchestrator.Speech.Synthesis;

namespace Orchestrator.Actors.Voice;

/// <summary>
/// The voice session of one web call: the shared speech pipeline over a WebRTC peer. Sends
/// <see cref="VoiceEvents.OfferReady"/> first and applies the client's answer.
/// </summary>
public sealed class WebCallSession(VoiceSessionSettings settings, MediaSettings media, ISpeechRecognizer recognizer,
    ISpeechSynthesizer synthesizer, VoicePipelineOptions? pipeline = null)
    : VoiceSession(settings, recognizer, synthesizer, pipeline)
{
    private WebRtcMediaLeg? _webRtc;

    protected override IMediaLeg CreateLeg() => _webRtc = new WebRtcMediaLeg(media.ToPeerOptions());

    protected override void LegCreated(IMediaLeg leg) =>
        Conversation.Tell(new VoiceEvents.OfferReady(_webRtc!.Peer.CreateOffer()));

    protected override void ActiveSignalling() => Receive<VoiceCommands.ApplyAnswer>(OnApplyAnswer);

    protected override void ClosedSignalling() =>
        Receive<VoiceCommands.ApplyAnswer>(_ => Sender.Tell(new VoiceEvents.AnswerRejected("the call's media is closed")));

    private void OnApplyAnswer(VoiceCommands.ApplyAnswer m)
    {
        if (Leg is null || _webRtc is null)
        {
            Sender.Tell(new VoiceEvents.AnswerRejected("the call's media is closed"));
            return;
        }
        var result = _webRtc.Peer.ApplyAnswer(m.Sdp);
        Sender.Tell(result.Accepted
            ? new VoiceEvents.AnswerAccepted(result.Codec!.Name)
            : new VoiceEvents.AnswerRejected(result.Error ?? "the answer was refused"));
    }
}
