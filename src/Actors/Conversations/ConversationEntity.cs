using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Akka.Persistence;
using Orchestrator.Actors.Ports;
using Orchestrator.Actors.Voice;
using Orchestrator.Dialogue;
using Orchestrator.Messages.Conversations;
using Orchestrator.Messages.Results;
using static Orchestrator.Messages.Conversations.ConversationCommands;
using static Orchestrator.Messages.Conversations.ConversationEvents;

namespace Orchestrator.Actors.Conversations;

/// <summary>
/// One conversation: a sharded, event-sourced entity. It owns its socket link, its dialogue
/// runner and its tool calls; it persists every fact before acting on it, so a crash or a move
/// to another node replays the journal and carries on.
/// </summary>
public sealed partial class ConversationEntity : ReceivePersistentActor, IWithTimers
{
    /// <summary>Hand-off stop message: lets a persist in flight finish before the entity stops.</summary>
    public sealed class Stop
    {
        public static readonly Stop Instance = new();
        private Stop() { }
    }

    private sealed record GraceExpired;
    private sealed record MaxDurationReached;
    private sealed record SilenceElapsed;
    private sealed record ToolTimedOut(string Id);
    private sealed record SaveResult;
    private sealed record ResultSaved;
    private sealed record ResultSaveFailed(string Reason);
    private sealed record IndexUpdateFailed(string Reason);
    private sealed record Relink(IActorRef? Socket);

    private readonly string _conversationId;
    private readonly ConversationSettings _settings;
    private readonly IDialogueEngineFactory _engines;
    private readonly IConversationResultStore _results;
    private readonly ILiveConversationIndex _live;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    private ConversationState _state = new();
    private IActorRef? _socket;
    private IActorRef? _runner;
    private long _stepSeq;
    private bool _stepInFlight;
    private int _stepFailures;
    private int _eventsSinceSnapshot;
    private TimeSpan _resultBackoff;
    /// <summary>Outputs held between a restart and the relink of the socket that follows it.</summary>
    private List<ConversationOutput>? _heldOutputs;

    public ITimerScheduler Timers { get; set; } = null!;
    public override string PersistenceId => "conversation-" + _conversationId;

    public ConversationEntity(string conversationId, ConversationSettings settings,
        IDialogueEngineFactory engines, IConversationResultStore results, ILiveConversationIndex live,
        IVoiceSessionFactory? voice = null)
    {
        _voiceFactory = voice;
        _conversationId = conversationId;
        _settings = settings;
        _engines = engines;
        _results = results;
        _live = live;
        _resultBackoff = settings.ResultRetryBackoff;

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is ConversationState snapshot) _state = snapshot;
        });
        Recover<RecoveryCompleted>(_ => OnRecovered());
        RecoverAny(evt => _state = _state.Apply(evt));

        Command<Start>(OnStart);
        Command<Attach>(OnAttach);
        Command<Relink>(OnRelink);
        Command<UserMessage>(OnUserMessage);
        Command<ToolResponse>(OnToolResponse);
        Command<ConversationCommands.Terminate>(_ => EndIfLive(FinishReasons.UserTerminated));
        Command<GetStatus>(_ =>
        {
            Sender.Tell(StatusReply());
            if (!_state.IsStarted) Passivate(); // asked about a conversation that does not exist
        });
        Command<Wake>(_ => OnWake());
        Command<IndexUpdateFailed>(f => _log.Warning("Live-conversation index update for {0} failed: {1}", _conversationId, f.Reason));

        Command<DialogueRunner.StepDone>(OnStepDone);
        Command<DialogueRunner.StepFailed>(OnStepFailed);
        Command<ToolTimedOut>(OnToolTimedOut);
        Command<GraceExpired>(_ => { if (_socket is null) EndIfLive(FinishReasons.ConnectionLost); });
        Command<MaxDurationReached>(_ => EndIfLive(FinishReasons.MaxDuration));
        Command<SilenceElapsed>(_ => OnSilence());
        Command<Terminated>(OnTerminated);

        Command<SaveResult>(_ => SaveResultNow());
        Command<ResultSaved>(_ => Persist(new ResultStored(DateTimeOffset.UtcNow), e =>
        {
            ApplyAndCount(e);
            FinishAndPassivate();
        }));
        Command<ResultSaveFailed>(OnResultSaveFailed);

        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(f => _log.Warning(f.Cause, "Snapshot of {0} failed", PersistenceId));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
        Command<Stop>(_ => Context.Stop(Self));
        Command<Done>(_ => { });
        RegisterVoiceCommands();
    }

    public static Props Props(string conversationId, ConversationSettings settings,
        IDialogueEngineFactory engines, IConversationResultStore results, ILiveConversationIndex live,
        IVoiceSessionFactory? voice = null) =>
        Akka.Actor.Props.Create(() => new ConversationEntity(conversationId, settings, engines, results, live, voice));

    // ---- supervision: a failed dialogue step restarts the runner; a failure in the voice session
    // resumes it, keeping the call's media, rather than dropping the call.

    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(10, TimeSpan.FromMinutes(1), ex => ex switch
        {
            DialogueStepException => Directive.Restart,
            ActorInitializationException => Directive.Stop,
            _ => Directive.Resume,
        });

    protected override void PreRestart(Exception reason, object message)
    {
        // The socket link is not in the journal: hand it to the next incarnation through our own mailbox.
        Self.Tell(new Relink(_socket));
        base.PreRestart(reason, message);
    }

    protected override void PostRestart(Exception reason)
    {
        _heldOutputs = [];
        base.PostRestart(reason);
    }

    private void OnRelink(Relink relink)
    {
        var held = _heldOutputs ?? [];
        _heldOutputs = null;
        if (relink.Socket is null || _socket is not null || _state.IsEnded) return;
        LinkSocket(relink.Socket);
        foreach (var output in held) relink.Socket.Tell(output);
    }

    // ---- commands

    private void OnStart(Start start)
    {
        if (_state.IsStarted)
        {
            Sender.Tell(new ConversationReplies.Rejected(_conversationId, "Conversation already exists"));
            return;
        }
        var replyTo = Sender;
        var started = new Started(_conversationId, start.Agent, start.CallType, start.AdditionalData,
            start.Endpoint, start.ClientTools, DateTimeOffset.UtcNow, start.Call);
        Persist(started, e =>
        {
            ApplyAndCount(e);
            replyTo.Tell(new ConversationReplies.Started(_conversationId));
            UpdateIndex(_live.MarkLiveAsync(_conversationId, e.At));
            if (start.Socket is not null) LinkSocket(start.Socket);
            Emit(new ConversationOutput.Connected(_conversationId));
            if (!StartDialogue()) return;
            if (IsVoice)
            {
                // Opened comes when media flows; the greeting is prepared meanwhile, so it plays at once.
                if (!StartVoice()) return;
            }
            else Emit(new ConversationOutput.Opened(_conversationId));
            ScheduleMaxDuration();
            TryRunNextStep();
        });
    }

    private void OnAttach(Attach attach)
    {
        string? refusal = !_state.IsStarted ? "Unknown conversation"
            : _state.Agent!.AgentId != attach.AgentId ? "Conversation belongs to another agent"
            : _state.IsEnded ? "Conversation has ended"
            : null;
        if (refusal is not null)
        {
            Sender.Tell(new ConversationReplies.Rejected(_conversationId, refusal));
            if (!_state.IsStarted || _state.ResultStored) Passivate();
            return;
        }
        if (_socket is not null && !_socket.Equals(attach.Socket))
        {
            _socket.Tell(new ConversationOutput.Detached("Conversation resumed on another connection"));
            Context.Unwatch(_socket);
            _socket = null;
        }
        LinkSocket(attach.Socket);
        Sender.Tell(new ConversationReplies.Attached(_conversationId));
        if (!attach.Replay) return;

        Emit(new ConversationOutput.Connected(_conversationId));
        Emit(new ConversationOutput.Opened(_conversationId));
        foreach (var line in _state.Transcript)
            Emit(new ConversationOutput.Utterance(line.Speaker, line.Text, false));
        foreach (var call in _state.PendingToolCalls.Where(c => c.OnClient))
            Emit(new ConversationOutput.ToolRequested(call.Id, call.ToolName, call.Args));
    }

    private void OnUserMessage(UserMessage message)
    {
        if (!_state.IsStarted || _state.IsEnded)
        {
            Sender.Tell(new ConversationOutput.Error(_state.IsEnded ? "Conversation has ended" : "Unknown conversation"));
            return;
        }
        var now = DateTimeOffset.UtcNow;
        QueueUserTurn(message.Text, now, now);
    }

    /// <summary>
    /// A user turn (typed, spoken or keyed) is recorded as it arrives, before the dialogue answers
    /// it; its echo goes out once it is recorded. PersistAsync: the journal batches turns of many
    /// conversations, and commands behind it are not stashed (the order of events stays the order
    /// of the calls, so a step's answer is still journaled after the turns that came before it).
    /// </summary>
    private void QueueUserTurn(string text, DateTimeOffset at, DateTimeOffset endAt)
    {
        Timers.Cancel(nameof(SilenceElapsed));
        PersistAsync(new UserSaid(text, at, endAt), e =>
        {
            ApplyAndCount(e);
            React(e);
            TryRunNextStep();
        });
    }

    private void OnWake()
    {
        // Recovery has already done the work (timers, grace period, pending steps). A conversation
        // that never started was only ever in the index by accident.
        if (_state.IsStarted) return;
        UpdateIndex(_live.MarkFinishedAsync(_conversationId));
        Passivate();
    }

    private void OnToolResponse(ToolResponse response)
    {
        var call = _state.FindToolCall(response.ToolCallId);
        if (call is null)
        {
            Sender.Tell(new ConversationOutput.Error($"Unknown tool call id '{response.ToolCallId}'", "unknown_tool_call"));
            return;
        }
        if (!call.IsPending || _state.IsEnded) return; // the first answer wins
        CompleteTool(call, response.Result, ToolStatuses.Ok);
    }

    private void OnToolTimedOut(ToolTimedOut timeout)
    {
        var call = _state.FindToolCall(timeout.Id);
        if (call is null || !call.IsPending || _state.IsEnded) return;
        var fallback = ConversationDecisions.Fallback(ConversationDecisions.ToolConfigFor(_state, call.ToolName), "timeout");
        CompleteTool(call, fallback, ToolStatuses.Timeout);
    }

    private void CompleteTool(ToolCallState call, System.Text.Json.Nodes.JsonNode? result, string status)
    {
        Persist(new ToolCallCompleted(call.Id, result, status, DateTimeOffset.UtcNow), e =>
        {
            ApplyAndCount(e);
            React(e);
            TryRunNextStep();
        });
    }

    private void OnSilence()
    {
        var silence = _state.Agent?.Config.Features.SilenceManagement;
        if (silence is null || !silence.IsEnabled || _state.IsEnded) return;
        var attempt = _state.SilenceAttempts + 1;
        if (attempt > silence.MaxReminderAttempts)
        {
            if (silence.EndWhenReminderLimitExceeded) EndIfLive(FinishReasons.SilenceTimeout);
            return;
        }
        Persist(new SilenceDetected(attempt, DateTimeOffset.UtcNow), e =>
        {
            ApplyAndCount(e);
            TryRunNextStep();
        });
    }

    private void OnTerminated(Terminated terminated)
    {
        if (!terminated.ActorRef.Equals(_socket)) return;
        _socket = null;
        if (!_state.IsEnded)
            Timers.StartSingleTimer(nameof(GraceExpired), new GraceExpired(), _settings.ResumeGracePeriod);
    }

    // ---- the dialogue

    /// <summary>Creates the engine and its runner; a config the engine refuses ends the conversation.</summary>
    private bool StartDialogue()
    {
        if (_runner is not null) return true;
        try
        {
            var engine = _engines.Create(ConversationDecisions.SetupFor(_state));
            _runner = Context.ActorOf(DialogueRunner.Props(engine, _settings.DialogueStepTimeout), "dialogue");
            return true;
        }
        catch (DialogueConfigException ex)
        {
            Emit(new ConversationOutput.FailedOpen(_conversationId, ex.Message));
            EndIfLive(FinishReasons.Error, ex.Message);
            return false;
        }
    }

    /// <summary>The dialogue answers recorded inputs one at a time, oldest first.</summary>
    private void TryRunNextStep()
    {
        if (_stepInFlight || _state.IsEnded || _runner is null || _state.PendingInputs.IsEmpty) return;
        _stepInFlight = true;
        _runner.Tell(new DialogueRunner.RunStep(++_stepSeq, _state.DialogueState,
            ConversationDecisions.ToDialogueInput(_state.PendingInputs[0])));
    }

    private void OnStepDone(DialogueRunner.StepDone done)
    {
        if (done.Seq != _stepSeq || _state.IsEnded) return;
        _stepFailures = 0;
        var events = ConversationDecisions.EventsForStep(_state, done.Step, DateTimeOffset.UtcNow);
        var remaining = events.Count;
        PersistAll(events, e =>
        {
            ApplyAndCount(e);
            React(e);
            if (--remaining > 0) return;
            _stepInFlight = false;
            if (!_state.IsEnded) ArmSilenceTimer();
            TryRunNextStep();
        });
    }

    private void OnStepFailed(DialogueRunner.StepFailed failed)
    {
        if (failed.Seq != _stepSeq || _state.IsEnded) return;
        _log.Warning("Dialogue step failed in {0}: {1}", _conversationId, failed.Reason);
        if (++_stepFailures <= _settings.DialogueStepRetries)
        {
            // The same input again: the runner is restarted before it reads this.
            var input = ConversationDecisions.ToDialogueInput(_state.PendingInputs[0]);
            _runner!.Tell(new DialogueRunner.RunStep(++_stepSeq, _state.DialogueState, input));
            return;
        }
        // Give up on this input, keep the engine's previous state, and let the user try again.
        _stepFailures = 0;
        object[] events =
        [
            new DialogueAdvanced(_state.DialogueState ?? ""),
            new AssistantSaid(_settings.DialogueFailureReply, DateTimeOffset.UtcNow),
        ];
        PersistAll(events, e =>
        {
            ApplyAndCount(e);
            React(e);
            if (e is not AssistantSaid) return;
            _stepInFlight = false;
            TryRunNextStep();
        });
    }

    // ---- effects of recorded events

    private void React(object evt)
    {
        switch (evt)
        {
            case UserSaid heard:
                Emit(new ConversationOutput.Utterance(Speakers.User, heard.Text, false));
                break;
            case AssistantSaid said:
                Emit(new ConversationOutput.Utterance(Speakers.Assistant, said.Text, false));
                if (IsVoice) Speak(said);
                break;
            case ToolCallRequested { OnClient: true } req:
                Emit(new ConversationOutput.ToolRequested(req.Id, req.ToolName, req.Args));
                ScheduleToolTimeout(req.Id, req.DeadlineAt);
                break;
            case ToolCallCompleted done:
                Timers.Cancel("tool:" + done.Id);
                var call = _state.FindToolCall(done.Id)!;
                Emit(new ConversationOutput.ToolFinished(done.Id, call.ToolName, done.Result, done.Status));
                break;
            case Ended:
                OnEnded();
                break;
        }
    }

    /// <summary>Ends the conversation; user turns being written are journaled ahead of the end.</summary>
    private void EndIfLive(string finishReason, string? error = null)
    {
        if (_state.IsEnded || !_state.IsStarted) return;
        Persist(ConversationDecisions.End(finishReason, DateTimeOffset.UtcNow, error), e =>
        {
            ApplyAndCount(e);
            React(e);
        });
    }

    private void OnEnded()
    {
        StopVoice();
        foreach (var key in new[] { nameof(GraceExpired), nameof(MaxDurationReached), nameof(SilenceElapsed) })
            Timers.Cancel(key);
        foreach (var call in _state.ToolCalls) Timers.Cancel("tool:" + call.Id);
        Emit(new ConversationOutput.Finished(_state.ToResult(DateTimeOffset.UtcNow)));
        if (_socket is not null) Context.Unwatch(_socket);
        _socket = null;
        SaveResultNow();
    }

    private void SaveResultNow()
    {
        var result = _state.ToResult(DateTimeOffset.UtcNow);
        _results.SaveAsync(result).PipeTo(Self,
            success: () => new ResultSaved(),
            failure: ex => new ResultSaveFailed(ex.GetBaseException().Message));
    }

    private void OnResultSaveFailed(ResultSaveFailed failed)
    {
        _log.Warning("Saving the result of {0} failed, retrying in {1}: {2}", _conversationId, _resultBackoff, failed.Reason);
        Timers.StartSingleTimer(nameof(SaveResult), new SaveResult(), _resultBackoff);
        _resultBackoff = TimeSpan.FromTicks(Math.Min(_resultBackoff.Ticks * 2, TimeSpan.FromMinutes(1).Ticks));
    }

    // ---- recovery

    private void OnRecovered()
    {
        if (!_state.IsStarted) return;
        if (_state.IsEnded)
        {
            if (_state.ResultStored) FinishAndPassivate();
            else SaveResultNow();
            return;
        }
        if (IsVoice)
        {
            // A call's media (its UDP socket and keys) does not survive a restart of its conversation.
            EndIfLive(FinishReasons.ConnectionLost, "The call's media was lost when its conversation restarted");
            return;
        }
        if (!StartDialogue()) return;
        var now = DateTimeOffset.UtcNow;
        foreach (var call in _state.PendingToolCalls.Where(c => c.OnClient))
            ScheduleToolTimeout(call.Id, call.DeadlineAt);
        ScheduleMaxDuration();
        // No socket survives a restart of the whole entity: wait for one to come back.
        Timers.StartSingleTimer(nameof(GraceExpired), new GraceExpired(), _settings.ResumeGracePeriod);
        _log.Info("Conversation {0} recovered at {1} with {2} transcript lines", _conversationId, now, _state.Transcript.Count);
        TryRunNextStep();
    }

    // ---- the journal failing

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        // The actor stops after this; the socket re-links to the recovered entity. Say so, rather
        // than let the turn vanish.
        _log.Error(cause, "Journal write failed for {0} ({1})", _conversationId, @event.GetType().Name);
        Emit(new ConversationOutput.Error(StorageUnavailable, "storage_unavailable"));
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        _log.Error(cause, "Journal rejected an event of {0} ({1})", _conversationId, @event.GetType().Name);
        Emit(new ConversationOutput.Error(StorageUnavailable, "storage_unavailable"));
        _stepInFlight = false;
        base.OnPersistRejected(cause, @event, sequenceNr);
    }

    public const string StorageUnavailable = "Your last message could not be recorded. Please send it again.";

    // ---- helpers

    /// <summary>The result is stored: leave the live index and stop.</summary>
    private void FinishAndPassivate()
    {
        UpdateIndex(_live.MarkFinishedAsync(_conversationId));
        Passivate();
    }

    private void UpdateIndex(Task update) =>
        update.PipeTo(Self, success: () => Done.Instance, failure: ex => new IndexUpdateFailed(ex.GetBaseException().Message));

    private sealed class Done
    {
        public static readonly Done Instance = new();
    }

    private void LinkSocket(IActorRef socket)
    {
        _socket = socket;
        Context.Watch(socket);
        Timers.Cancel(nameof(GraceExpired));
    }

    private void Emit(ConversationOutput output)
    {
        if (_socket is not null) _socket.Tell(output);
        else _heldOutputs?.Add(output);
    }

    private void ScheduleToolTimeout(string id, DateTimeOffset deadline)
    {
        var delay = deadline - DateTimeOffset.UtcNow;
        Timers.StartSingleTimer("tool:" + id, new ToolTimedOut(id), delay > TimeSpan.Zero ? delay : TimeSpan.Zero);
    }

    private void ScheduleMaxDuration()
    {
        var max = _state.Agent!.Config.Features.MaxDuration;
        if (!max.IsEnabled) return;
        var left = _state.StartedAt + TimeSpan.FromSeconds(max.MaxDurationSeconds) - DateTimeOffset.UtcNow;
        Timers.StartSingleTimer(nameof(MaxDurationReached), new MaxDurationReached(), left > TimeSpan.Zero ? left : TimeSpan.Zero);
    }

    private void ArmSilenceTimer()
    {
        var silence = _state.Agent!.Config.Features.SilenceManagement;
        if (!silence.IsEnabled || _state.PendingToolCalls.Any()) return;
        Timers.StartSingleTimer(nameof(SilenceElapsed), new SilenceElapsed(),
            TimeSpan.FromSeconds(Math.Max(0.1, silence.ReminderSilenceThresholdSeconds)));
    }

    private void ApplyAndCount(object evt)
    {
        _state = _state.Apply(evt);
        if (++_eventsSinceSnapshot < _settings.SnapshotEvery) return;
        _eventsSinceSnapshot = 0;
        SaveSnapshot(_state);
    }

    private void Passivate() => Context.Parent.Tell(new Passivate(Stop.Instance));

    private ConversationReplies.Status StatusReply() => new(
        _conversationId, _state.IsStarted, _state.IsEnded, _state.End?.FinishReason, _state.Transcript.Count,
        [.. _state.PendingToolCalls.Select(c => c.Id)], _socket is not null);
}
