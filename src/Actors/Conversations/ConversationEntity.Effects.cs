using Akka.Actor;
using Akka.Event;
using Orchestrator.Dialogue;
using Orchestrator.Messages.Conversations;
using static Orchestrator.Actors.Conversations.ConversationEffect;

namespace Orchestrator.Actors.Conversations;

/// <summary>Runs the effects of decisions: the only place the entity acts on the world.</summary>
public sealed partial class ConversationEntity
{
    /// <summary>
    /// Runs effects in order. One that cannot run (the dialogue or the media would not start) feeds
    /// its failure back and skips the rest: they assumed it had started. False when that happened.
    /// </summary>
    private bool RunEffects(IEnumerable<ConversationEffect> effects, IActorRef replyTo)
    {
        foreach (var effect in effects)
        {
            if (RunEffect(effect, replyTo) is { } failure)
            {
                Decide(new ConversationInputs.OpenFailed(failure));
                return false;
            }
        }
        return true;
    }

    /// <returns>Null, or why the effect could not run.</returns>
    private string? RunEffect(ConversationEffect effect, IActorRef replyTo)
    {
        switch (effect)
        {
            case Reply reply:
                replyTo.Tell(reply.Message);
                break;
            case Emit emit:
                Emit(emit.Output);
                break;
            case LinkSocket link:
                LinkSocket(link.Socket);
                break;
            case UnlinkSocket:
                if (_links.Socket is not null) Context.Unwatch(_links.Socket);
                _links.Socket = null;
                break;
            case StartTimer timer:
                Timers.StartSingleTimer(timer.Key, timer.Input, timer.Delay);
                break;
            case CancelTimer cancel:
                Timers.Cancel(cancel.Key);
                break;
            case StartDialogue:
                return StartDialogueRunner();
            case RunStep step:
                _links.Runner?.Tell(new DialogueRunner.RunStep(step.Seq, step.State, step.Input));
                break;
            case CancelStep cancel:
                _links.Runner?.Tell(new DialogueRunner.CancelStep(cancel.Seq, cancel.Heard));
                break;
            case StartVoice voice:
                return StartVoiceSession(voice);
            case RunServerTool run:
                CallServerTool(run.Id);
                break;
            case TellVoice tell:
                _links.Voice?.Tell(tell.Command);
                break;
            case StopVoice:
                if (_links.Voice is { } session)
                {
                    Context.Unwatch(session); // it stops itself once the media is released
                    session.Tell(new Voice.VoiceCommands.Hangup());
                }
                _links.Voice = null;
                break;
            case Feed feed:
                Decide(feed.Input);
                break;
            case FeedLater later:
                Self.Tell(later.Input);
                break;
            case Analyze:
                if (_links.Runner is null && StartDialogueRunner() is not null)
                    Self.Tell(new ConversationInputs.AnalysisDone(ConversationDecisions.EmptyAnalysis(_state)));
                else
                    _links.Runner!.Tell(new DialogueRunner.Analyze(_state.DialogueState, ConversationDecisions.AnalysisForms(_state),
                        ConversationDecisions.AnalysisTranscript(_state), ConversationDecisions.EmptyAnalysis(_state)));
                break;
            case SaveResult:
                var result = _state.ToResult(DateTimeOffset.UtcNow);
                _services.Results.SaveAsync(result).PipeTo(Self,
                    success: () =>
                    {
                        if (result.CallId is not null) Dialer.DialerMetrics.AttemptEnded(result.FinishReason);
                        return new ConversationInputs.ResultSaved();
                    },
                    failure: ex => new ConversationInputs.ResultSaveFailed(ex.GetBaseException().Message));
                break;
            case MarkLive live:
                UpdateIndex(_services.Live.MarkLiveAsync(_conversationId, live.At));
                break;
            case MarkFinished:
                UpdateIndex(_services.Live.MarkFinishedAsync(_conversationId));
                break;
            case ConversationEffect.Passivate:
                Passivate();
                break;
            case Warn warn:
                _log.Warning(warn.Message);
                break;
            case RecordLatency latency:
                TurnMetrics.Record(latency.Channel, latency.Latency);
                break;
            default:
                throw new InvalidOperationException($"No runner for the effect {effect.GetType().Name}");
        }
        return null;
    }

    private string? StartDialogueRunner()
    {
        if (_links.Runner is not null) return null;
        try
        {
            var engine = _services.Engines.Create(ConversationDecisions.SetupFor(_state));
            _links.Runner = Context.ActorOf(DialogueRunner.Props(engine, _settings.DialogueStepTimeout), "dialogue");
            return null;
        }
        catch (DialogueConfigException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>Off the entity's thread; calls of one step run side by side, each result fed back as it comes.</summary>
    private void CallServerTool(string id)
    {
        if (_state.FindToolCall(id) is not { IsPending: true } call) return;
        var fallback = ConversationDecisions.Fallback(ConversationDecisions.ToolConfigFor(_state, call.ToolName), ConversationDecisions.NoServerTools);
        if (_services.ServerTools is not { } runner)
        {
            Self.Tell(new ConversationInputs.ServerToolDone(id, fallback, ToolStatuses.Error));
            return;
        }
        runner.RunAsync(ConversationDecisions.ServerToolRequestFor(_state, call)).PipeTo(Self,
            success: outcome => new ConversationInputs.ServerToolDone(id, outcome.Result, outcome.Status),
            failure: _ => new ConversationInputs.ServerToolDone(id, fallback, ToolStatuses.Error));
    }

    /// <summary>The voice session is watched: when it stops or cannot start, the call ends at once.</summary>
    private string? StartVoiceSession(StartVoice voice)
    {
        if (_links.Voice is not null) return null;
        if (_services.Voice is not { } factory) return "Voice calls are not configured on this node";
        try
        {
            var props = voice.Dial is { } dial ? factory.PhoneCall(voice.Settings, dial) : factory.WebCall(voice.Settings);
            _links.Voice = Context.Watch(Context.ActorOf(props, "voice"));
            return null;
        }
        catch (InvalidOperationException e)
        {
            return e.Message;
        }
    }

    private void LinkSocket(IActorRef socket)
    {
        if (_links.Socket is { } previous && !previous.Equals(socket))
        {
            previous.Tell(new ConversationOutput.Detached("Conversation resumed on another connection"));
            Context.Unwatch(previous);
        }
        _links.Socket = socket;
        Context.Watch(socket);
        Timers.Cancel(ConversationTimers.Grace);
    }

    private void Emit(ConversationOutput output) => _links.Emit(output);

    private void UpdateIndex(Task update) =>
        update.PipeTo(Self, success: () => Done.Instance, failure: ex => new IndexUpdateFailed(ex.GetBaseException().Message));

    private void Passivate() => Context.Parent.Tell(new Akka.Cluster.Sharding.Passivate(Stop.Instance));
}
