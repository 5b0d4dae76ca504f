using Orchestrator.Actors.Voice;
using Orchestrator.Messages.Conversations;
using Orchestrator.Messages.Results;
using static Orchestrator.Actors.Conversations.ConversationEffect;
using static Orchestrator.Actors.Conversations.ConversationInputs;
using static Orchestrator.Messages.Conversations.ConversationCommands;
using static Orchestrator.Messages.Conversations.ConversationEvents;

namespace Orchestrator.Actors.Conversations;

/// <summary>
/// The conversation's command rules: <c>Decide(state, runtime, input, now) → decision</c>, beside
/// <see cref="ConversationState.Apply"/>. Pure: the entity persists the events, applies them and
/// runs the effects; nothing here touches an actor, a clock or a store.
/// </summary>
public sealed partial class ConversationDecider(ConversationSettings settings)
{
    public Decision Decide(ConversationState state, ConversationRuntime runtime, object input, DateTimeOffset now) =>
        ConversationDecisions.KeepMediaStatistics(state, TurnLatencies.KeepLate(DecideInput(state, runtime, input, now)));

    private Decision DecideInput(ConversationState state, ConversationRuntime runtime, object input, DateTimeOffset now) => input switch
    {
        Start start => OnStart(state, runtime, start, now),
        Open => OnOpen(state, runtime, now),
        OpenFailed failed => FailOpen(state, runtime, failed.Reason, FinishReasons.Error, now),
        Attach attach => OnAttach(state, runtime, attach),
        UserMessage when !state.IsStarted || state.IsEnded => Decision.Do(runtime,
            new Reply(new ConversationOutput.Error(state.IsEnded ? "Conversation has ended" : "Unknown conversation"))),
        UserMessage message => UserTurnArrived(state, runtime, message.Text, now, now, now),
        UserTurn turn => UserTurnArrived(state, runtime, turn.Text, turn.At, turn.EndAt, now),
        ToolResponse response => OnToolResponse(state, runtime, response, now),
        ToolTimedOut timeout => OnToolTimedOut(state, runtime, timeout, now),
        ServerToolDone done => OnServerToolDone(state, runtime, done, now),
        ConversationCommands.Terminate => EndIfLive(state, runtime, FinishReasons.UserTerminated, null, now),
        MaxDurationReached => EndIfLive(state, runtime, FinishReasons.MaxDuration, null, now),
        GraceExpired when !runtime.SocketAttached => EndIfLive(state, runtime, FinishReasons.ConnectionLost, null, now),
        GraceExpired => Decision.None(runtime),
        // The socket went: wait the grace period for a resume before ending.
        SocketGone => Decision.Do(runtime with { SocketAttached = false },
            state.IsEnded ? [] : [new StartTimer(ConversationTimers.Grace, new GraceExpired(), settings.ResumeGracePeriod)]),
        SilenceElapsed => OnSilence(state, runtime, now),
        Continue => NextStep(state, runtime),
        TurnRecorded => OnTurnRecorded(runtime),
        StepDone or StepFailed or StepCancelled or StepProgress when runtime.StepAheadOfJournal => HoldForJournal(runtime, (IConversationInput)input),
        StepDone done => OnStepDone(state, runtime, done, now),
        StepFailed failed => OnStepFailed(state, runtime, failed, now),
        StepCancelled cancelled => OnStepCancelled(state, runtime, cancelled, now),
        StepProgress progress => OnStepProgress(state, runtime, progress, now),
        StepSettled settled => OnStepSettled(state, runtime, settled),
        Wake => state.IsStarted ? Decision.None(runtime) : Decision.Do(runtime, new MarkFinished(), new Passivate()),
        AnalysisDone done => state.IsEnded && state.PostCallAnalysis is null
            ? Decision.Record(runtime, [new AnalysisFilled(done.Analysis, now)])
            : Decision.None(runtime),
        ResultSaved => Decision.Record(runtime, [new ResultStored(now)], new MarkFinished(), new Passivate()),
        ResultSaveFailed failed => Decision.Do(
            runtime with { ResultBackoff = TimeSpan.FromTicks(Math.Min(runtime.ResultBackoff.Ticks * 2, TimeSpan.FromMinutes(1).Ticks)) },
            new Warn($"Saving the result of {state.ConversationId} failed, retrying in {runtime.ResultBackoff}: {failed.Reason}"),
            new StartTimer(ConversationTimers.SaveResult, new SaveResultAgain(), runtime.ResultBackoff)),
        SaveResultAgain => Decision.Do(runtime, new SaveResult()),
        Recovered => OnRecovered(state, runtime, now),
        _ => DecideVoice(state, runtime, input, now),
    };

    // ---- starting and attaching

    private static Decision OnStart(ConversationState state, ConversationRuntime runtime, Start start, DateTimeOffset now)
    {
        if (state.IsStarted)
            return Decision.Do(runtime, new Reply(new ConversationReplies.Rejected(start.ConversationId, "Conversation already exists")));
        var started = new Started(start.ConversationId, start.Agent, start.CallType, start.AdditionalData,
            start.Endpoint, start.ClientTools, now, start.Call);
        var then = new List<ConversationEffect>
        {
            new Reply(new ConversationReplies.Started(start.ConversationId)),
            new MarkLive(now),
        };
        if (start.Socket is not null) then.Add(new LinkSocket(start.Socket));
        then.Add(new Emit(new ConversationOutput.Connected(start.ConversationId)));
        then.Add(new Feed(new Open()));
        return Decision.Record(runtime with { SocketAttached = start.Socket is not null }, [started], [.. then]);
    }

    /// <summary>The dialogue starts at once; a chat opens at once, a call when its media flows.</summary>
    private Decision OnOpen(ConversationState state, ConversationRuntime runtime, DateTimeOffset now)
    {
        if (state.IsEnded) return Decision.None(runtime);
        var effects = new List<ConversationEffect> { new StartDialogue() };
        runtime = runtime with { DialogueStarted = true };
        if (state.IsVoice())
        {
            // Opened comes when media flows; the greeting is prepared meanwhile, so it plays at once.
            var voice = OpenVoice(state, now);
            if (voice.Failure is { } failure) return FailOpen(state, runtime, failure, FinishReasons.Error, now);
            effects.AddRange(voice.Effects);
            runtime = runtime with { Media = MediaPhase.Starting };
        }
        else effects.Add(new Emit(new ConversationOutput.Opened(state.ConversationId)));
        effects.AddRange(MaxDurationTimer(state, now));
        effects.Add(new Feed(new Continue()));
        return Decision.Do(runtime, [.. effects]);
    }

    private static Decision OnAttach(ConversationState state, ConversationRuntime runtime, Attach attach)
    {
        string? refusal = !state.IsStarted ? "Unknown conversation"
            : state.Agent!.AgentId != attach.AgentId ? "Conversation belongs to another agent"
            : state.IsEnded ? "Conversation has ended"
            : null;
        if (refusal is not null)
        {
            var reply = new Reply(new ConversationReplies.Rejected(attach.ConversationId, refusal));
            return !state.IsStarted || state.ResultStored ? Decision.Do(runtime, reply, new Passivate()) : Decision.Do(runtime, reply);
        }
        var effects = new List<ConversationEffect>
        {
            new LinkSocket(attach.Socket),
            new CancelTimer(ConversationTimers.Grace),
            new Reply(new ConversationReplies.Attached(attach.ConversationId)),
        };
        if (attach.Replay)
        {
            effects.Add(new Emit(new ConversationOutput.Connected(attach.ConversationId)));
            effects.Add(new Emit(new ConversationOutput.Opened(attach.ConversationId)));
            foreach (var line in state.Transcript)
                effects.Add(new Emit(new ConversationOutput.Utterance(line.Speaker, line.Text, false)));
            foreach (var call in state.PendingToolCalls.Where(c => c.OnClient))
                effects.Add(new Emit(new ConversationOutput.ToolRequested(call.Id, call.ToolName, call.Args)));
        }
        return Decision.Do(runtime with { SocketAttached = true }, [.. effects]);
    }

    private Decision OnRecovered(ConversationState state, ConversationRuntime runtime, DateTimeOffset now)
    {
        if (!state.IsStarted) return Decision.None(runtime);
        if (state.IsEnded)
            return state.ResultStored ? Decision.Do(runtime, new MarkFinished(), new Passivate())
                : ConversationDecisions.NeedsAnalysis(state) ? Decision.Do(runtime, new StartDialogue(), new Analyze())
                : Decision.Do(runtime, new SaveResult());
        if (state.IsVoice()) // a call's media (its UDP socket and keys) does not survive a restart of its conversation
            return EndIfLive(state, runtime, FinishReasons.ConnectionLost, "The call's media was lost when its conversation restarted", now);
        var effects = new List<ConversationEffect> { new StartDialogue() };
        foreach (var call in state.PendingToolCalls.Where(c => c.OnClient))
            effects.Add(ToolTimer(call.Id, call.DeadlineAt, now));
        // A server tool whose answer was lost with the last incarnation is called again.
        foreach (var call in state.PendingToolCalls.Where(c => ConversationDecisions.RunsOnServer(state, c)))
            effects.Add(new RunServerTool(call.Id));
        effects.AddRange(MaxDurationTimer(state, now));
        // No socket survives a restart of the whole entity: wait for one to come back.
        effects.Add(new StartTimer(ConversationTimers.Grace, new GraceExpired(), settings.ResumeGracePeriod));
        effects.Add(new Feed(new Continue()));
        return Decision.Do(runtime with { DialogueStarted = true }, [.. effects]);
    }

    // ---- user turns and the dialogue

    /// <summary>
    /// A user turn is recorded as it arrives, before the dialogue answers it, and echoed once
    /// recorded. Async: turns of many conversations batch into one journal write, and the order of
    /// events stays the order in which they were decided.
    /// </summary>
    /// <remarks>
    /// A chat message typed while the reply is still streaming does not cancel it, unlike a caller
    /// talking over speech: the reader has the whole reply on screen as it grows (nothing is "unheard"),
    /// and a typed message often answers the part already shown. So the reply finishes and is recorded
    /// whole, and the message, recorded at once, is answered next with that reply in the history.
    /// </remarks>
    /// <param name="now">When the turn became final here: its answer's latency is measured from it (for speech, after
    /// the end-of-turn silence and the recogniser's last word, which <paramref name="endAt"/> does not include).</param>
    private static Decision UserTurnArrived(ConversationState state, ConversationRuntime runtime, string text,
        DateTimeOffset at, DateTimeOffset endAt, DateTimeOffset now)
    {
        if (!state.IsStarted || state.IsEnded) return Decision.None(runtime);
        var said = new UserSaid(text, at, endAt, now);
        if (runtime.StepInFlight || !runtime.DialogueStarted || !state.PendingInputs.IsEmpty)
            return new Decision(runtime, [new CancelTimer(ConversationTimers.Silence)], [said], [new Feed(new Continue())], Async: true);

        // The dialogue is free: it starts on this turn while the turn is written, so the model's
        // request does not wait for the journal (a write per turn, hundreds of ms on a busy store).
        // What the step answers waits for the write (TurnRecorded, a message of its own because
        // deciding the answer records events), so nothing is decided on a turn that is not recorded;
        // should the write fail, the entity stops and the step with it.
        var recorded = state.Apply(said);
        var seq = runtime.StepSeq + 1;
        var ahead = TurnLatencies.Begin(runtime, recorded.PendingInputs[0]) with { StepInFlight = true, StepSeq = seq, StepAheadOfJournal = true };
        return new Decision(ahead,
            [new CancelTimer(ConversationTimers.Silence), new RunStep(seq, state.DialogueState, ConversationDecisions.NextDialogueInput(recorded))],
            [said], [new FeedLater(new TurnRecorded())], Async: true);
    }

    /// <summary>The runner's answers to a step started ahead of its turn's write are decided once the turn is recorded.</summary>
    private static Decision HoldForJournal(ConversationRuntime runtime, IConversationInput answer) =>
        Decision.None(runtime with { HeldForJournal = runtime.HeldForJournal.Add(answer) });

    // No Continue after them: the step is still in flight until its answer settles, and StepSettled asks for the next one.
    private static Decision OnTurnRecorded(ConversationRuntime runtime) =>
        Decision.Do(runtime with { StepAheadOfJournal = false, HeldForJournal = [] },
            [.. runtime.HeldForJournal.Select(held => (ConversationEffect)new Feed(held))]);

    /// <summary>The dialogue answers recorded inputs one at a time, oldest first.</summary>
    private static Decision NextStep(ConversationState state, ConversationRuntime runtime)
    {
        if (runtime.StepInFlight || !runtime.DialogueStarted || state.IsEnded || state.PendingInputs.IsEmpty)
            return Decision.None(runtime);
        var seq = runtime.StepSeq + 1;
        return Decision.Do(TurnLatencies.Begin(runtime, state.PendingInputs[0]) with { StepInFlight = true, StepSeq = seq },
            new RunStep(seq, state.DialogueState, ConversationDecisions.NextDialogueInput(state)));
    }

    private static Decision OnStepDone(ConversationState state, ConversationRuntime runtime, StepDone done, DateTimeOffset now)
    {
        if (done.Seq != runtime.StepSeq || state.IsEnded) return Decision.None(runtime);
        // The dialogue stays busy until these events are recorded: a turn recorded meanwhile must
        // not be answered on the input this step already consumed.
        var events = ConversationDecisions.EventsForStep(state, done.Step, now);
        if (runtime.Streamed is { Heard: { } heard } cut && cut.Index == state.Transcript.Count)
            events = [.. ConversationDecisions.KeepHeard(events, cut.Index, heard, now)];
        (events, runtime) = TurnLatencies.Answer(state, runtime, events, now);
        return Decision.Record(runtime with { StepFailures = 0 }, events, new Feed(new StepSettled(ArmSilence: true)));
    }

    /// <summary>A chat shows the reply as it streams; the step's final Say is journaled and sent once.</summary>
    private static Decision OnStepProgress(ConversationState state, ConversationRuntime runtime, StepProgress progress, DateTimeOffset now)
    {
        if (progress.Seq != runtime.StepSeq || !runtime.StepInFlight || state.IsEnded) return Decision.None(runtime);
        runtime = TurnLatencies.Progress(runtime, progress, now);
        if (!state.IsVoice() && progress.TextSoFar is { Length: > 0 } text)
            return Decision.Do(runtime, new Emit(new ConversationOutput.Utterance(Speakers.Assistant, text, true)));
        if (!state.IsVoice() || progress.Sentence is not { Length: > 0 } sentence) return Decision.None(runtime);
        // Spoken at once, so speech starts on the first sentence while the model writes the rest.
        var streamed = runtime.Streamed is { } s && s.Seq == progress.Seq ? s : new StreamedSpeech(progress.Seq, state.Transcript.Count);
        runtime = runtime with { Streamed = streamed };
        if (streamed.Heard is not null) return Decision.None(runtime); // the caller talked over it
        return Decision.Do(runtime, new TellVoice(new VoiceCommands.Speak(streamed.Index, sentence,
            ConversationReactions.Interruptible(state, streamed.Index))));
    }

    private Decision OnStepFailed(ConversationState state, ConversationRuntime runtime, StepFailed failed, DateTimeOffset now)
    {
        if (failed.Seq != runtime.StepSeq || state.IsEnded) return Decision.None(runtime);
        var warn = new Warn($"Dialogue step failed in {state.ConversationId}: {failed.Reason}");
        if (runtime.StepFailures + 1 <= settings.DialogueStepRetries)
        {
            // The same input again: the runner is restarted before it reads this.
            var seq = runtime.StepSeq + 1;
            return Decision.Do(runtime with { StepFailures = runtime.StepFailures + 1, StepSeq = seq }, warn,
                new RunStep(seq, state.DialogueState, ConversationDecisions.NextDialogueInput(state)));
        }
        // Give up on this input, keep the engine's previous state, and let the user try again.
        return Decision.Record(runtime with { StepFailures = 0, Streamed = null, Turn = null },
            [new DialogueAdvanced(state.DialogueState ?? ""), new AssistantSaid(settings.DialogueFailureReply, now)],
            new Feed(new StepSettled(ArmSilence: false))).First(warn);
    }

    /// <summary>
    /// A step cancelled on a barge-in whose engine kept nothing: its input is consumed with the engine's
    /// state as it was, and the transcript keeps what the caller heard. Not a failure: no apology, no retry.
    /// </summary>
    private static Decision OnStepCancelled(ConversationState state, ConversationRuntime runtime, StepCancelled cancelled, DateTimeOffset now)
    {
        if (cancelled.Seq != runtime.StepSeq || state.IsEnded) return Decision.None(runtime);
        var events = new List<object> { new DialogueAdvanced(state.DialogueState ?? "") };
        if (runtime.Streamed is { Heard: { Length: > 0 } heard } cut && cut.Index == state.Transcript.Count)
            events.Add(new AssistantSaid(heard, now));
        var (answered, timed) = TurnLatencies.Answer(state, runtime, events, now);
        return Decision.Record(timed with { StepFailures = 0 }, answered, new Feed(new StepSettled(ArmSilence: true)));
    }

    private Decision OnStepSettled(ConversationState state, ConversationRuntime runtime, StepSettled settled)
    {
        runtime = runtime with { StepInFlight = false, Streamed = null };
        if (state.IsEnded) return Decision.None(runtime);
        var next = NextStep(state, runtime);
        return settled.ArmSilence ? next.First([.. SilenceTimer(state)]) : next;
    }

    // ---- tools

    private static Decision OnToolResponse(ConversationState state, ConversationRuntime runtime, ToolResponse response, DateTimeOffset now)
    {
        var call = state.FindToolCall(response.ToolCallId);
        if (call is null)
            return Decision.Do(runtime, new Reply(new ConversationOutput.Error(
                $"Unknown tool call id '{response.ToolCallId}'", "unknown_tool_call")));
        if (!call.IsPending || state.IsEnded) return Decision.None(runtime); // the first answer wins
        return Decision.Record(runtime, [new ToolCallCompleted(call.Id, response.Result, ToolStatuses.Ok, now)], new Feed(new Continue()));
    }

    private static Decision OnServerToolDone(ConversationState state, ConversationRuntime runtime, ServerToolDone done, DateTimeOffset now)
    {
        var call = state.FindToolCall(done.Id);
        if (call is null || !call.IsPending || state.IsEnded) return Decision.None(runtime);
        return Decision.Record(runtime, [new ToolCallCompleted(call.Id, done.Result, done.Status, now)], new Feed(new Continue()));
    }

    private static Decision OnToolTimedOut(ConversationState state, ConversationRuntime runtime, ToolTimedOut timeout, DateTimeOffset now)
    {
        var call = state.FindToolCall(timeout.Id);
        if (call is null || !call.IsPending || state.IsEnded) return Decision.None(runtime);
        var fallback = ConversationDecisions.Fallback(ConversationDecisions.ToolConfigFor(state, call.ToolName), "timeout");
        return Decision.Record(runtime, [new ToolCallCompleted(call.Id, fallback, ToolStatuses.Timeout, now)], new Feed(new Continue()));
    }

    // ---- silence, duration and the end

    private static Decision OnSilence(ConversationState state, ConversationRuntime runtime, DateTimeOffset now)
    {
        var silence = state.Agent?.Config.Features.SilenceManagement;
        // On hold the caller hears nothing and says nothing: no reminder (the timer is armed again on the resume).
        if (silence is null || !silence.IsEnabled || state.IsEnded || runtime.Held) return Decision.None(runtime);
        var attempt = state.SilenceAttempts + 1;
        if (attempt > silence.MaxReminderAttempts)
            return silence.EndWhenReminderLimitExceeded
                ? EndIfLive(state, runtime, FinishReasons.SilenceTimeout, null, now)
                : Decision.None(runtime);
        return Decision.Record(runtime, [new SilenceDetected(attempt, now)], new Feed(new Continue()));
    }

    /// <summary>Ends the conversation; user turns being written are journaled ahead of the end.</summary>
    private static Decision EndIfLive(ConversationState state, ConversationRuntime runtime, string finishReason, string? error, DateTimeOffset now) =>
        state.IsEnded || !state.IsStarted
            ? Decision.None(runtime)
            : Decision.Record(runtime, [ConversationDecisions.End(finishReason, now, error)]);

    /// <summary>A conversation that never got going: failedOpen, and the result says why (busy, no_answer… or error).</summary>
    private static Decision FailOpen(ConversationState state, ConversationRuntime runtime, string reason, string finishReason, DateTimeOffset now)
    {
        if (state.IsEnded) return Decision.None(runtime);
        var end = EndIfLive(state, runtime, finishReason, reason, now).First(new Emit(new ConversationOutput.FailedOpen(state.ConversationId, reason)));
        if (!state.IsVoice() || end.Events.IsEmpty) return end;
        // A call whose media never connected played nothing: the lines it had ready (the greeting) were never heard.
        var unheard = state.Transcript.Select((line, index) => (line, index))
            .Where(x => x.line.Speaker == Speakers.Assistant && x.line.Text.Length > 0)
            .Select(x => (object)new AssistantInterrupted(x.index, "", now));
        return end with { Events = [.. unheard, .. end.Events] };
    }

    private static IEnumerable<ConversationEffect> MaxDurationTimer(ConversationState state, DateTimeOffset now)
    {
        var max = state.Agent!.Config.Features.MaxDuration;
        if (!max.IsEnabled) yield break;
        var left = state.StartedAt + TimeSpan.FromSeconds(max.MaxDurationSeconds) - now;
        yield return new StartTimer(ConversationTimers.MaxDuration, new MaxDurationReached(), left > TimeSpan.Zero ? left : TimeSpan.Zero);
    }

    private static IEnumerable<ConversationEffect> SilenceTimer(ConversationState state)
    {
        var silence = state.Agent!.Config.Features.SilenceManagement;
        if (!silence.IsEnabled || state.PendingToolCalls.Any()) yield break;
        yield return new StartTimer(ConversationTimers.Silence, new SilenceElapsed(),
            TimeSpan.FromSeconds(Math.Max(0.1, silence.ReminderSilenceThresholdSeconds)));
    }

    internal static StartTimer ToolTimer(string id, DateTimeOffset deadline, DateTimeOffset now)
    {
        var delay = deadline - now;
        return new StartTimer(ConversationTimers.Tool(id), new ToolTimedOut(id), delay > TimeSpan.Zero ? delay : TimeSpan.Zero);
    }
}
