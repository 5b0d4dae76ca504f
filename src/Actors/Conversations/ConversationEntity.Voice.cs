using System.Text.Json.Nodes;
using Akka.Actor;
using Orchestrator.Actors.Voice;
using Orchestrator.Messages.Conversations;
using Orchestrator.Messages.Results;
using static Orchestrator.Messages.Conversations.ConversationEvents;

namespace Orchestrator.Actors.Conversations;

/// <summary>
/// The voice side of a conversation: its voice session child (media, recognition, synthesis)
/// turns speech into user turns and speaks the assistant's lines; the entity stays the one place
/// that records what happened.
/// </summary>
public sealed partial class ConversationEntity
{
    private sealed record AnswerTimedOut;
    private sealed record DtmfFlush;

    private readonly IVoiceSessionFactory? _voiceFactory;
    private IActorRef? _voice;
    private bool _mediaConnected;
    private string _dtmfDigits = "";

    private bool IsVoice => _state.CallType is CallTypes.WebCall or CallTypes.OnPhone;

    private bool IsPhone => _state.CallType == CallTypes.OnPhone;

    private void RegisterVoiceCommands()
    {
        Command<ConversationCommands.SdpAnswer>(OnSdpAnswer);
        Command<VoiceEvents.OfferReady>(offer => Emit(new ConversationOutput.SdpInvite(offer.Sdp)));
        Command<VoiceEvents.AnswerAccepted>(_ => Timers.Cancel(nameof(AnswerTimedOut)));
        Command<VoiceEvents.AnswerRejected>(rejected =>
        {
            Emit(new ConversationOutput.Error(rejected.Error, "bad_sdp_answer"));
            FailOpen("Unusable SDP answer: " + rejected.Error);
        });
        Command<AnswerTimedOut>(_ => { if (!_mediaConnected) FailOpen("No SDP answer received in time"); });
        Command<VoiceEvents.MediaConnected>(_ => OnMediaConnected());
        Command<VoiceEvents.MediaFailed>(OnMediaFailed);
        Command<VoiceEvents.UserSpeechStarted>(_ => Timers.Cancel(nameof(SilenceElapsed)));
        Command<VoiceEvents.UserSpeechPartial>(p =>
        {
            if (!_state.IsEnded) Emit(new ConversationOutput.Utterance(Speakers.User, p.Text, true));
        });
        Command<VoiceEvents.UserSpeechFinal>(OnUserSpeech);
        Command<VoiceEvents.DtmfReceived>(OnDtmf);
        Command<DtmfFlush>(_ => FlushDtmf());
        Command<VoiceEvents.SpeechFinished>(OnSpeechFinished);
    }

    /// <summary>A web call starts its media right after the conversation exists; it opens when media flows.</summary>
    private bool StartVoice()
    {
        if (_voice is not null) return true;
        if (_voiceFactory is null)
        {
            FailOpen("Voice calls are not configured on this node");
            return false;
        }
        var agent = _state.Agent!;
        var tts = agent.Config.TtsConfig;
        var settings = new VoiceSessionSettings(
            agent.Config.PrimaryLanguage,
            ConfigString(tts, "voiceId"),
            ConfigNumber(tts, "speed") ?? 1.0,
            TimeSpan.FromMilliseconds(ConfigNumber(agent.Config.SttConfig, "endOfTurnSilenceMs") ?? 700));
        if (IsPhone) return StartPhoneCall(settings);
        _voice = Context.ActorOf(_voiceFactory.WebCall(settings), "voice");
        Timers.StartSingleTimer(nameof(AnswerTimedOut), new AnswerTimedOut(), _settings.SdpAnswerTimeout);
        return true;
    }

    /// <summary>A phone call dials the endpoint through the agent's trunk; it opens when the callee answers.</summary>
    private bool StartPhoneCall(VoiceSessionSettings settings)
    {
        var sip = _state.Agent!.Config.OutboundSipConfig;
        string? trunkId = ConfigString(sip, "trunkId");
        if (string.IsNullOrWhiteSpace(_state.Endpoint))
        {
            FailOpen("An onPhone call needs an endpoint (a phone number or SIP URI) to dial");
            return false;
        }
        if (string.IsNullOrWhiteSpace(trunkId))
        {
            FailOpen("The agent has no outboundSipConfig.trunkId to dial through");
            return false;
        }
        var dial = new PhoneDial(_state.Endpoint, trunkId,
            TimeSpan.FromSeconds(ConfigNumber(sip, "ringTimeoutSeconds") ?? 30),
            ConfigString(sip, "fromUser"), ConfigString(sip, "displayName"), _conversationId);
        try
        {
            _voice = Context.ActorOf(_voiceFactory!.PhoneCall(settings, dial), "voice");
        }
        catch (InvalidOperationException e)
        {
            FailOpen(e.Message);
            return false;
        }
        return true;
    }

    private void OnSdpAnswer(ConversationCommands.SdpAnswer answer)
    {
        if (!IsVoice || _voice is null || _state.IsEnded)
        {
            Sender.Tell(new ConversationOutput.Error("No SDP offer was sent on this connection"));
            return;
        }
        _voice.Tell(new Voice.VoiceCommands.ApplyAnswer(answer.Sdp));
    }

    private void OnMediaConnected()
    {
        if (_mediaConnected || _state.IsEnded) return;
        _mediaConnected = true;
        Timers.Cancel(nameof(AnswerTimedOut));
        Emit(new ConversationOutput.Opened(_conversationId));
    }

    private void OnMediaFailed(VoiceEvents.MediaFailed failed)
    {
        _voice = null; // the session releases its media and stops
        if (failed.BeforeConnect || !_mediaConnected)
        {
            FailOpen(failed.Reason, failed.FinishReason ?? FinishReasons.Error);
            return;
        }
        EndIfLive(failed.FinishReason ?? (failed.RemoteHungUp ? FinishReasons.UserHangup : FinishReasons.ConnectionLost), failed.Reason);
    }

    /// <summary>A call that never got its media: failedOpen, and the result says why (busy, no_answer… or error).</summary>
    private void FailOpen(string reason, string finishReason = FinishReasons.Error)
    {
        if (_state.IsEnded) return;
        Emit(new ConversationOutput.FailedOpen(_conversationId, reason));
        EndIfLive(finishReason, reason);
    }

    private void OnUserSpeech(VoiceEvents.UserSpeechFinal speech)
    {
        if (_state.IsEnded || string.IsNullOrWhiteSpace(speech.Text))
        {
            if (!_state.IsEnded) ArmSilenceTimer();
            return;
        }
        QueueUserTurn(speech.Text, speech.StartedAt, speech.EndedAt);
    }

    private void OnDtmf(VoiceEvents.DtmfReceived dtmf)
    {
        if (_state.IsEnded) return;
        if (dtmf.Digit == '#')
        {
            FlushDtmf();
            return;
        }
        _dtmfDigits += dtmf.Digit;
        Timers.StartSingleTimer(nameof(DtmfFlush), new DtmfFlush(), _settings.DtmfGap);
    }

    private void FlushDtmf()
    {
        Timers.Cancel(nameof(DtmfFlush));
        if (_dtmfDigits.Length == 0) return;
        var now = DateTimeOffset.UtcNow;
        QueueUserTurn(_dtmfDigits, now, now);
        _dtmfDigits = "";
    }

    private void OnSpeechFinished(VoiceEvents.SpeechFinished finished)
    {
        if (finished.Complete || finished.Index >= _state.Transcript.Count) return;
        if (_state.Transcript[finished.Index].Text == finished.PlayedText) return;
        Persist(new AssistantInterrupted(finished.Index, finished.PlayedText, finished.EndedAt), ApplyAndCount);
    }

    /// <summary>Speaks a line the assistant said: the greeting is interruptible as talk-first says.</summary>
    private void Speak(AssistantSaid said)
    {
        if (_voice is null) return;
        var index = _state.Transcript.Count - 1;
        var features = _state.Agent!.Config.Features;
        var interruptible = index == 0
            ? features.TalkFirst.Interruptible
            : ConfigBool(_state.Agent.Config.TtsConfig, "interruptible") ?? true;
        _voice.Tell(new Voice.VoiceCommands.Speak(index, said.Text, interruptible));
    }

    // Values from the free-form stt/tts config: null when absent or of another type, never a crash.
    private static string? ConfigString(JsonObject? config, string key) =>
        config?[key] is JsonValue value && value.TryGetValue<string>(out var result) ? result : null;

    private static double? ConfigNumber(JsonObject? config, string key) =>
        config?[key] is JsonValue value && value.TryGetValue<double>(out var result) ? result : null;

    private static bool? ConfigBool(JsonObject? config, string key) =>
        config?[key] is JsonValue value && value.TryGetValue<bool>(out var result) ? result : null;

    private void StopVoice()
    {
        Timers.Cancel(nameof(AnswerTimedOut));
        Timers.Cancel(nameof(DtmfFlush));
        _voice?.Tell(new Voice.VoiceCommands.Hangup());
        _voice = null;
    }
}
