using Akka.Actor;
using Orchestrator.Speech.Vendors;

namespace Orchestrator.Actors.Voice;

/// <summary>
/// What a conversation tells its voice session (a child actor that owns the media peer, speech
/// recognition and synthesis). Local to one node: a voice call cannot move with its UDP socket.
/// </summary>
public static class VoiceCommands
{
    /// <summary>Apply the client's SDP answer (web call). Replies AnswerAccepted or AnswerRejected.</summary>
    public sealed record ApplyAnswer(string Sdp);

    /// <summary>
    /// Speak a line of the assistant. <paramref name="Index"/> is the line's place in the transcript,
    /// echoed back in <see cref="VoiceEvents.SpeechFinished"/>. Lines are spoken in the order given.
    /// </summary>
    public sealed record Speak(int Index, string Text, bool Interruptible);

    /// <summary>Stop all speech now (queued lines included); each reports SpeechFinished.</summary>
    public sealed record StopSpeaking;

    /// <summary>End the media; the session stops itself after releasing it.</summary>
    public sealed record Hangup;
}

/// <summary>What a voice session reports to its conversation (its parent).</summary>
public static class VoiceEvents
{
    /// <summary>Web call: the complete SDP offer to send to the client as sdpInvite.</summary>
    public sealed record OfferReady(string Sdp);

    public sealed record AnswerAccepted(string Codec);

    public sealed record AnswerRejected(string Error);

    /// <summary>Media flows (ICE and DTLS done for WebRTC; answered for SIP).</summary>
    public sealed record MediaConnected;

    /// <summary>
    /// The media failed. <paramref name="BeforeConnect"/>: it never connected (failedOpen).
    /// <paramref name="RemoteHungUp"/>: the far end ended it deliberately (a DTLS close, a SIP BYE).
    /// <paramref name="FinishReason"/>: the result's finish reason when the media knows it (SIP busy,
    /// no_answer, rejected, callee_hangup); null lets the conversation choose (error, user_hangup…).
    /// <paramref name="Kind"/>: the typed cause from the media (connect timeout, consent lost, remote
    /// hang-up…); null when the session itself failed. Added as an optional trailing field.
    /// </summary>
    public sealed record MediaFailed(string Reason, bool BeforeConnect, bool RemoteHungUp, string? FinishReason = null,
        Orchestrator.Media.MediaEndKind? Kind = null);

    /// <summary>The caller started speaking (barge-in happens inside the session when allowed).</summary>
    public sealed record UserSpeechStarted;

    /// <summary>A still-changing recognition of what the caller is saying.</summary>
    public sealed record UserSpeechPartial(string Text);

    /// <summary>The caller finished an utterance; Text may be empty if nothing was recognised.</summary>
    public sealed record UserSpeechFinal(string Text, DateTimeOffset StartedAt, DateTimeOffset EndedAt);

    public sealed record DtmfReceived(char Digit);

    /// <summary>The far end put the call on hold or took it off: while held nothing is heard, so the conversation waits.</summary>
    public sealed record HoldChanged(bool Held);

    /// <summary>The media's figures so far (phone calls: every second, and once more as the media ends).</summary>
    public sealed record MediaStatisticsUpdated(Orchestrator.Messages.Results.MediaStatistics Statistics);

    /// <summary>
    /// A line finished playing, fully or cut short (barge-in, StopSpeaking). PlayedText is the part
    /// the caller actually heard (by played duration), so the transcript can keep only that.
    /// </summary>
    public sealed record SpeechFinished(int Index, string PlayedText, bool Complete, DateTimeOffset StartedAt, DateTimeOffset EndedAt);
}

/// <summary>Creates the voice session child of a conversation; the node wires media and speech in.</summary>
public interface IVoiceSessionFactory
{
    /// <summary>Props of a web-call session that will send <see cref="VoiceEvents.OfferReady"/> to its parent first.</summary>
    Props WebCall(VoiceSessionSettings settings);

    /// <summary>
    /// Props of a phone-call session that dials at once and reports <see cref="VoiceEvents.MediaConnected"/>
    /// on answer or <see cref="VoiceEvents.MediaFailed"/> (with busy, no_answer, rejected or error).
    /// </summary>
    Props PhoneCall(VoiceSessionSettings settings, PhoneDial dial);
}

/// <summary>
/// Per-call speech settings, from the agent's config. <paramref name="Recognition"/> and
/// <paramref name="Synthesis"/> are the engines its <c>sttConfig</c>/<c>ttsConfig</c> name (null: the
/// node's defaults); the voice session factory turns them into engines.
/// </summary>
public sealed record VoiceSessionSettings(string Language, string? Voice, double Speed, TimeSpan EndOfTurnSilence,
    SpeechEngineRequest? Recognition = null, SpeechEngineRequest? Synthesis = null);
