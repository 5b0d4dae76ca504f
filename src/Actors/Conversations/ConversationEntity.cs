using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Orchestrator.Actors.Ports;
using Orchestrator.Actors.Voice;
using Orchestrator.Dialogue;
using Orchestrator.Messages.Conversations;
using static Orchestrator.Messages.Conversations.ConversationCommands;

namespace Orchestrator.Actors.Conversations;

/// <summary>
/// One conversation: a sharded, event-sourced entity. Its rules are in <see cref="ConversationDecider"/>;
/// this actor only turns messages into inputs, persists the events a decision records, applies them
/// and runs the decision's effects (its socket link, dialogue runner, voice session, timers, stores).
/// </summary>
public sealed partial class ConversationEntity : ReceivePersistentActor, IWithTimers
{
    /// <summary>Hand-off stop message: lets a persist in flight finish before the entity stops.</summary>
    public sealed class Stop
    {
        public static readonly Stop Instance = new();
        private Stop() { }
    }

    private sealed record Relink(IActorRef? Socket);

    private sealed class Done
    {
        public static readonly Done Instance = new();
    }

    private sealed record IndexUpdateFailed(string Reason);

    private readonly string _conversationId;
    private readonly ConversationSettings _settings;
    private readonly ConversationDecider _decider;
    private readonly ConversationServices _services;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    private ConversationState _state = new();
    private ConversationRuntime _runtime;
    private ConversationLinks _links;
    private int _eventsSinceSnapshot;

    public ITimerScheduler Timers { get; set; } = null!;
    public override string PersistenceId => "conversation-" + _conversationId;

    public ConversationEntity(string conversationId, ConversationSettings settings,
        IDialogueEngineFactory engines, IConversationResultStore results, ILiveConversationIndex live,
        IVoiceSessionFactory? voice = null, IServerToolRunner? serverTools = null)
    {
        _conversationId = conversationId;
        _settings = settings;
        _decider = new ConversationDecider(settings);
        _services = new ConversationServices(engines, results, live, voice, serverTools);
        _runtime = ConversationRuntime.Initial(settings);
        _links = new ConversationLinks();

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is ConversationState snapshot) _state = snapshot;
        });
        Recover<RecoveryCompleted>(_ => Decide(new ConversationInputs.Recovered()));
        RecoverAny(evt => _state = _state.Apply(evt));

        Command<Start>(Decide);
        Command<Attach>(Decide);
        Command<UserMessage>(Decide);
        Command<ToolResponse>(Decide);
        Command<ConversationCommands.Terminate>(Decide);
        Command<SdpAnswer>(Decide);
        Command<Wake>(Decide);
        Command<IConversationInput>(Decide);
        Command<DialogueRunner.StepDone>(d => Decide(new ConversationInputs.StepDone(d.Seq, d.Step)));
        Command<DialogueRunner.StepFailed>(f => Decide(new ConversationInputs.StepFailed(f.Seq, f.Reason)));
        Command<DialogueRunner.StepCancelled>(c => Decide(new ConversationInputs.StepCancelled(c.Seq)));
        Command<DialogueRunner.AnalysisDone>(a => Decide(new ConversationInputs.AnalysisDone(a.Analysis)));
        Command<DialogueRunner.StepProgress>(p => Decide(new ConversationInputs.StepProgress(p.Seq, p.TextSoFar, p.SentenceIndex, p.Sentence)));
        Command<VoiceEvents.OfferReady>(Decide);
        Command<VoiceEvents.AnswerAccepted>(Decide);
        Command<VoiceEvents.AnswerRejected>(Decide);
        Command<VoiceEvents.MediaConnected>(Decide);
        Command<VoiceEvents.MediaFailed>(Decide);
        Command<VoiceEvents.UserSpeechStarted>(Decide);
        Command<VoiceEvents.UserSpeechPartial>(Decide);
        Command<VoiceEvents.UserSpeechFinal>(Decide);
        Command<VoiceEvents.DtmfReceived>(Decide);
        Command<VoiceEvents.SpeechFinished>(Decide);
        Command<VoiceEvents.MediaStatisticsUpdated>(Decide);
        Command<VoiceEvents.HoldChanged>(Decide);
        Command<GetStatus>(_ =>
        {
            Sender.Tell(StatusReply());
            if (!_state.IsStarted) Passivate(); // asked about a conversation that does not exist
        });
        Command<Terminated>(OnTerminated);
        Command<Relink>(OnRelink);
        Command<IndexUpdateFailed>(f => _log.Warning("Live-conversation index update for {0} failed: {1}", _conversationId, f.Reason));

        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(f => _log.Warning(f.Cause, "Snapshot of {0} failed", PersistenceId));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
        Command<Stop>(_ => Context.Stop(Self));
        Command<Done>(_ => { });
    }

    public static Props Props(string conversationId, ConversationSettings settings,
        IDialogueEngineFactory engines, IConversationResultStore results, ILiveConversationIndex live,
        IVoiceSessionFactory? voice = null, IServerToolRunner? serverTools = null) =>
        Akka.Actor.Props.Create(() => new ConversationEntity(conversationId, settings, engines, results, live, voice, serverTools));

    // ---- deciding and recording

    private void Decide(object input) => Run(_decider.Decide(_state, _runtime, input, DateTimeOffset.UtcNow), Sender);

    /// <summary>Effects first, then the events (each applied and reacted to as it is recorded), then the follow-ups.</summary>
    private void Run(Decision decision, IActorRef replyTo)
    {
        _runtime = decision.Runtime;
        if (!RunEffects(decision.Now, replyTo)) return;
        if (decision.Events.IsEmpty)
        {
            RunEffects(decision.Then, replyTo);
            return;
        }
        var left = decision.Events.Length;
        void Recorded(object evt)
        {
            ApplyAndCount(evt);
            RunEffects(ConversationReactions.To(_state, _runtime, evt, DateTimeOffset.UtcNow), replyTo);
            if (--left == 0) RunEffects(decision.Then, replyTo);
        }
        if (decision.Async) PersistAllAsync(decision.Events, Recorded);
        else PersistAll(decision.Events, Recorded);
    }

    private void ApplyAndCount(object evt)
    {
        _state = _state.Apply(evt);
        if (++_eventsSinceSnapshot < _settings.SnapshotEvery) return;
        _eventsSinceSnapshot = 0;
        SaveSnapshot(_state);
    }

    // ---- supervision: a failed dialogue step restarts the runner; a voice session that cannot
    // start is stopped (and its conversation told why); any other failure in it resumes it,
    // keeping the call's media, rather than dropping the call.

    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(10, TimeSpan.FromMinutes(1), ex =>
        {
            switch (ex)
            {
                case DialogueStepException:
                    return Directive.Restart;
                case ActorInitializationException init:
                    if (init.Actor is { } child && child.Equals(_links.Voice)) _links.RememberChildFailure(init);
                    return Directive.Stop;
                default:
                    return Directive.Resume;
            }
        });

    protected override void PreRestart(Exception reason, object message)
    {
        // The socket link is not in the journal: hand it to the next incarnation through our own mailbox.
        Self.Tell(new Relink(_links.Socket));
        base.PreRestart(reason, message);
    }

    protected override void PostRestart(Exception reason)
    {
        _links.HoldOutputs();
        base.PostRestart(reason);
    }

    private void OnRelink(Relink relink)
    {
        var held = _links.ReleaseHeld();
        if (relink.Socket is null || _links.Socket is not null || _state.IsEnded) return;
        LinkSocket(relink.Socket);
        _runtime = _runtime with { SocketAttached = true };
        foreach (var output in held) relink.Socket.Tell(output);
    }

    private void OnTerminated(Terminated terminated)
    {
        if (terminated.ActorRef.Equals(_links.Socket))
        {
            _links.Socket = null;
            Decide(new ConversationInputs.SocketGone());
        }
        else if (terminated.ActorRef.Equals(_links.Voice))
        {
            _links.Voice = null;
            Decide(new ConversationInputs.VoiceStopped(_links.TakeChildFailure()));
        }
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
        _runtime = _runtime with { StepInFlight = false };
        base.OnPersistRejected(cause, @event, sequenceNr);
    }

    public const string StorageUnavailable = "Your last message could not be recorded. Please send it again.";

    private ConversationReplies.Status StatusReply() => new(
        _conversationId, _state.IsStarted, _state.IsEnded, _state.End?.FinishReason, _state.Transcript.Count,
        [.. _state.PendingToolCalls.Select(c => c.Id)], _links.Socket is not null);
}
