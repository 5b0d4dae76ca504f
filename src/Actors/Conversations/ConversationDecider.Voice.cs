using Orchestrator.Actors.Voice;
using Orchestrator.Messages.Conversations;
using Orchestrator.Messages.Results;
using static Orchestrator.Actors.Conversations.ConversationEffect;
using static Orchestrator.Actors.Conversations.ConversationInputs;
using static Orchestrator.Messages.Conversations.ConversationEvents;

namespace Orchestrator.Actors.Conversations;

/// <summary>
/// The voice rules: the voice session child turns speech into user turns and speaks the
/// assistant's lines; these decide what its reports mean for the conversation.
/// </summary>
public sealed partial class ConversationDecider
{
    private Decision DecideVoice(ConversationState state, ConversationRuntime runtime, object input, DateTimeOffset now) => input switch
    {
        ConversationCommands.SdpAnswer answer => OnSdpAnswer(state, runtime, answer),
        VoiceEvents.OfferReady offer => Decision.Do(runtime, new Emit(new ConversationOutput.SdpInvite(offer.Sdp))),
        VoiceEvents.AnswerAccepted => Decision.Do(runtime, new CancelTimer(ConversationTimers.Answer)),
        VoiceEvents.AnswerRejected rejected => FailOpen(state, runtime, "Unusable SDP answer: " + rejected.Error, FinishReasons.Error, now)
            .First(new Emit(new ConversationOutput.Error(rejected.Error, "bad_sdp_answer"))),
        AnswerTimedOut when runtime.Media != MediaPhase.Connected =>
            FailOpen(state, runtime, "No SDP answer received in time", FinishReasons.Error, now),
        AnswerTimedOut => Decision.None(runtime),
        VoiceEvents.MediaConnected when runtime.Media == MediaPhase.Connected || state.IsEnded => Decision.None(runtime),
        VoiceEvents.MediaConnected => Decision.Do(runtime with { Media = MediaPhase.Connected },
            new CancelTimer(ConversationTimers.Answer), new Emit(new ConversationOutput.Opened(state.ConversationId))),
        VoiceEvents.MediaFailed failed => OnMediaFailed(state, runtime, failed, now),
        VoiceStopped stopped => OnVoiceStopped(state, runtime, stopped, now),
        VoiceEvents.UserSpeechStarted => Decision.Do(runtime, new CancelTimer(ConversationTimers.Silence)),
        VoiceEvents.UserSpeechPartial partial => state.IsEnded
            ? Decision.None(runtime)
            : Decision.Do(runtime, new Emit(new ConversationOutput.Utterance(Speakers.User, partial.Text, true))),
        VoiceEvents.UserSpeechFinal speech when state.IsEnded => Decision.None(runtime),
        // Nothing recognised: the silence the caller left counts again.
        VoiceEvents.UserSpeechFinal speech when string.IsNullOrWhiteSpace(speech.Text) => Decision.Do(runtime, [.. SilenceTimer(state)]),
        VoiceEvents.UserSpeechFinal speech => UserTurnArrived(state, runtime, speech.Text, speech.StartedAt, speech.EndedAt, now),
        VoiceEvents.DtmfReceived dtmf => OnDtmf(state, runtime, dtmf, now),
        VoiceEvents.HoldChanged when state.IsEnded => Decision.None(runtime),
        VoiceEvents.HoldChanged { Held: true } => Decision.Do(runtime with { Held = true }, new CancelTimer(ConversationTimers.Silence)),
        VoiceEvents.HoldChanged => Decision.Do(runtime with { Held = false }, [.. SilenceTimer(state)]),
        VoiceEvents.MediaStatisticsUpdated update => Decision.None(state.IsEnded ? runtime : runtime with { LatestMedia = update.Statistics }),
        DtmfFlush => FlushDtmf(state, runtime, now),
        VoiceEvents.SpeechFinished finished => HeardAudio(state, runtime, finished),
        _ => throw new ArgumentException($"A conversation cannot decide on {input.GetType().Name}", nameof(input)),
    };

    /// <summary>
    /// The voice session to create: a web call waits for the client's SDP answer; a phone call
    /// dials the endpoint through the agent's trunk. A failure says why the call cannot open.
    /// </summary>
    private (IReadOnlyList<ConversationEffect> Effects, string? Failure) OpenVoice(ConversationState state, DateTimeOffset now)
    {
        var config = state.Agent!.Config;
        var tts = config.TtsConfig;
        var voice = new VoiceSessionSettings(
            config.PrimaryLanguage,
            AgentConfigValues.String(tts, "voiceId"),
            AgentConfigValues.Number(tts, "speed") ?? 1.0,
            TimeSpan.FromMilliseconds(AgentConfigValues.Number(config.SttConfig, "endOfTurnSilenceMs") ?? 700),
            AgentSpeechRequests.From(config.SttConfig), AgentSpeechRequests.From(tts));
        if (state.CallType != CallTypes.OnPhone)
            return ([new StartVoice(voice, null), new StartTimer(ConversationTimers.Answer, new AnswerTimedOut(), settings.SdpAnswerTimeout)], null);

        var sip = config.OutboundSipConfig;
        var trunkId = AgentConfigValues.String(sip, "trunkId");
        if (string.IsNullOrWhiteSpace(state.Endpoint))
            return ([], "An onPhone call needs an endpoint (a phone number or SIP URI) to dial");
        if (string.IsNullOrWhiteSpace(trunkId))
            return ([], "The agent has no outboundSipConfig.trunkId to dial through");
        var dial = new PhoneDial(state.Endpoint, trunkId,
            TimeSpan.FromSeconds(AgentConfigValues.Number(sip, "ringTimeoutSeconds") ?? 30),
            AgentConfigValues.String(sip, "fromUser"), AgentConfigValues.String(sip, "displayName"), state.ConversationId);
        return ([new StartVoice(voice, dial)], null);
    }

    private static Decision OnSdpAnswer(ConversationState state, ConversationRuntime runtime, ConversationCommands.SdpAnswer answer) =>
        !state.IsVoice() || runtime.Media is MediaPhase.None or MediaPhase.Gone || state.IsEnded
            ? Decision.Do(runtime, new Reply(new ConversationOutput.Error("No SDP offer was sent on this connection")))
            : Decision.Do(runtime, new TellVoice(new VoiceCommands.ApplyAnswer(answer.Sdp)));

    private static Decision OnMediaFailed(ConversationState state, ConversationRuntime runtime, VoiceEvents.MediaFailed failed, DateTimeOffset now)
    {
        var connected = runtime.Media == MediaPhase.Connected;
        runtime = runtime with { Media = MediaPhase.Gone }; // the session releases its media and stops
        if (failed.BeforeConnect || !connected)
            return FailOpen(state, runtime, failed.Reason, failed.FinishReason ?? FinishReasons.Error, now);
        var reason = failed.FinishReason ?? (failed.RemoteHungUp ? FinishReasons.UserHangup : FinishReasons.ConnectionLost);
        return EndIfLive(state, runtime, reason, failed.Reason, now);
    }

    /// <summary>
    /// The voice session stopped without saying why the media ended (it crashed, or could not even
    /// start): the call cannot go on, so it ends now, failed to open when it never connected.
    /// </summary>
    private static Decision OnVoiceStopped(ConversationState state, ConversationRuntime runtime, VoiceStopped stopped, DateTimeOffset now)
    {
        if (runtime.Media is MediaPhase.None or MediaPhase.Gone || state.IsEnded) return Decision.None(runtime with { Media = MediaPhase.Gone });
        var connected = runtime.Media == MediaPhase.Connected;
        runtime = runtime with { Media = MediaPhase.Gone };
        var reason = stopped.Cause is { } cause ? "The call's media failed: " + cause : "The call's media stopped unexpectedly";
        return connected
            ? EndIfLive(state, runtime, FinishReasons.ConnectionLost, reason, now)
            : FailOpen(state, runtime, reason, FinishReasons.Error, now);
    }

    private Decision OnDtmf(ConversationState state, ConversationRuntime runtime, VoiceEvents.DtmfReceived dtmf, DateTimeOffset now)
    {
        if (state.IsEnded) return Decision.None(runtime);
        if (dtmf.Digit == '#') return FlushDtmf(state, runtime, now);
        return Decision.Do(runtime with { DtmfDigits = runtime.DtmfDigits + dtmf.Digit },
            new StartTimer(ConversationTimers.Dtmf, new DtmfFlush(), settings.DtmfGap));
    }

    /// <summary>Digits keyed close together (or ended with #) are one user turn.</summary>
    private static Decision FlushDtmf(ConversationState state, ConversationRuntime runtime, DateTimeOffset now)
    {
        var cancel = new CancelTimer(ConversationTimers.Dtmf);
        if (runtime.DtmfDigits.Length == 0) return Decision.Do(runtime, cancel);
        return UserTurnArrived(state, runtime with { DtmfDigits = "" }, runtime.DtmfDigits, now, now, now).First(cancel);
    }

    /// <summary>A line that played: perhaps the first audio of an answer (its latency), then the rules for what was heard.</summary>
    private static Decision HeardAudio(ConversationState state, ConversationRuntime runtime, VoiceEvents.SpeechFinished finished)
    {
        var (timed, late) = TurnLatencies.Audio(runtime, finished);
        var decision = OnSpeechFinished(state, timed, finished);
        return late is null ? decision : decision.First(new RecordLatency(state.CallType, late));
    }

    /// <summary>A line cut short keeps only what the caller heard.</summary>
    private static Decision OnSpeechFinished(ConversationState state, ConversationRuntime runtime, VoiceEvents.SpeechFinished finished)
    {
        // A streamed reply cut before it is recorded: remembered, and recorded as heard when its step is
        // done. The step is cancelled at once (the model stops writing what nobody will hear); it ends
        // with the reply so far, which the next turn cuts to what was heard.
        if (!finished.Complete && runtime.Streamed is { } streamed && streamed.Index == finished.Index && finished.Index >= state.Transcript.Count)
        {
            var cut = runtime with { Streamed = streamed with { Heard = finished.PlayedText } };
            return streamed.Heard is null && runtime.StepInFlight && streamed.Seq == runtime.StepSeq
                ? Decision.Do(cut, new CancelStep(streamed.Seq, finished.PlayedText))
                : Decision.None(cut);
        }
        if (finished.Complete || finished.Index < 0 || finished.Index >= state.Transcript.Count) return Decision.None(runtime);
        if (state.Transcript[finished.Index].Text == finished.PlayedText) return Decision.None(runtime);
        return Decision.Record(runtime, [new AssistantInterrupted(finished.Index, finished.PlayedText, finished.EndedAt)]);
    }
}
