using System.Text.Json.Nodes;
using Akka.Actor;
using Orchestrator.Actors.Conversations;
using Orchestrator.Actors.Sharding;
using Orchestrator.Messages.Conversations;
using Orchestrator.Messages.Protocol;
using Orchestrator.Messages.Results;
using Orchestrator.Node.Observability;
using static Orchestrator.Messages.Conversations.ConversationCommands;

namespace Orchestrator.Node.WebSockets;

/// <summary>
/// The actor of one WebSocket: applies the protocol's init rules, forwards client input to the
/// conversation, and turns the conversation's outputs into frames. It dies with its socket, which
/// the conversation watches to start its Resume grace period.
/// </summary>
public sealed class SocketActor : ReceiveActor, IWithTimers
{
    public sealed record Frame(ParsedFrame Parsed);

    /// <summary>The client went away (closed, errored or aborted).</summary>
    public sealed record Gone;

    private sealed record InitTimedOut;
    /// <summary>A lost attach costs one of these on the way back after a failover: short, as an attach is cheap.</summary>
    private static readonly TimeSpan RelinkInterval = TimeSpan.FromSeconds(1);

    private sealed record Relink
    {
        public static readonly Relink Instance = new();
    }

    /// <summary>The node is draining: a chat socket closes so its client resumes on another node; a call's socket stays.</summary>
    public sealed record Drain
    {
        public static readonly Drain Instance = new();
    }

    /// <summary>WebSocket "service restart": the client should reconnect elsewhere and resume.</summary>
    public const int ServiceRestartCloseCode = 1012;
    public const string DrainCloseReason = "Node is shutting down; resume the conversation";

    private readonly SessionContext _session;
    private readonly ConversationRouter _conversations;
    private readonly ISocketOutbox _outbox;
    private string? _conversationId;
    private IActorRef? _entity;
    private bool _closing;
    /// <summary>
    /// Final transcript lines sent to the client. When the conversation restarts elsewhere (its node
    /// died or left) this socket re-links with a replay and skips what the client already has, so
    /// output the new incarnation produced before the link is not lost.
    /// </summary>
    private int _delivered;
    private int _skipReplay = -1;
    private string? _callType;
    private readonly SocketTelemetry _telemetry = new();
    private readonly MessageRate _rate;
    private MessageRate.State _rateState;

    public ITimerScheduler Timers { get; set; } = null!;

    public SocketActor(SessionContext session, ConversationRouter conversations, ISocketOutbox outbox, TimeSpan initTimeout, MessageRate rate)
    {
        _session = session;
        _conversations = conversations;
        _outbox = outbox;
        _rate = rate;
        _rateState = rate.Start(Now);
        Timers.StartSingleTimer(nameof(InitTimedOut), new InitTimedOut(), initTimeout);
        AwaitingInit();
    }

    public static Props Props(SessionContext session, ConversationRouter conversations, ISocketOutbox outbox, TimeSpan initTimeout, MessageRate rate) =>
        Akka.Actor.Props.Create(() => new SocketActor(session, conversations, outbox, initTimeout, rate));

    private static TimeSpan Now => System.Diagnostics.Stopwatch.GetElapsedTime(0);

    private void AwaitingInit()
    {
        Receive<Frame>(f => f.Parsed is ParsedFrame.Message { Value: ClientMessage.Initialize init }, f =>
            OnInitialize((ClientMessage.Initialize)((ParsedFrame.Message)f.Parsed).Value));
        Receive<Frame>(f => f.Parsed is ParsedFrame.Message, _ => SendError(ProtocolErrors.InitNotReceived));
        Receive<InitTimedOut>(_ => Fail(ProtocolErrors.InitNotReceived, CloseCodes.PolicyViolation));
        CommonFrames();
    }

    /// <summary>Waiting for the conversation to accept a start or a resume.</summary>
    private void Joining()
    {
        Receive<ConversationReplies.Started>(_ =>
        {
            _telemetry.Joined(_conversationId!, _callType, isNew: true);
            Joined();
        });
        Receive<ConversationReplies.Attached>(_ =>
        {
            _telemetry.Joined(_conversationId!, _callType, isNew: false);
            Joined();
        });
        InConversation();
    }

    private void Live()
    {
        Receive<ConversationReplies.Attached>(_ =>
        {
            // Every attach from here replays: what follows is the replay, then live output.
            Timers.Cancel(nameof(Relink));
            _skipReplay = _delivered;
            Watch(Sender);
        });
        Receive<Terminated>(t => t.ActorRef.Equals(_entity), _ =>
        {
            // The entity moved or restarted elsewhere: link this socket to its next incarnation. The
            // attach is repeated until answered: one sent before this node's shard region heard that
            // the old node was removed still goes there and is lost.
            _entity = null;
            Self.Tell(Relink.Instance);
            Timers.StartPeriodicTimer(nameof(Relink), Relink.Instance, RelinkInterval);
        });
        Receive<Relink>(_ => _conversations.Tell(new Attach(_conversationId!, _session.Agent.AgentId, Self, Replay: true), Self));
        InConversation();
    }

    /// <summary>Once a conversation is named (joining or live): input goes to it, its outputs come out.</summary>
    private void InConversation()
    {
        Receive<ConversationReplies.Rejected>(r => Fail(r.Reason, CloseCodes.PolicyViolation));
        Receive<Frame>(f => f.Parsed is ParsedFrame.Message { Value: ClientMessage.Initialize }, _ =>
            SendError(ProtocolErrors.MultipleInit));
        Receive<Frame>(f => f.Parsed is ParsedFrame.Message, f => Forward((ParsedFrame.Message)f.Parsed));
        Outputs();
        CommonFrames();
    }

    private void CommonFrames()
    {
        Receive<Frame>(f => f.Parsed is ParsedFrame.UnknownType, f =>
            SendError($"Unknown message type '{((ParsedFrame.UnknownType)f.Parsed).Type}'", "unknown_type"));
        Receive<Frame>(f => f.Parsed is ParsedFrame.Invalid, f =>
        {
            var invalid = (ParsedFrame.Invalid)f.Parsed;
            Fail(invalid.Error, invalid.CloseCode);
        });
        Receive<Gone>(_ => Context.Stop(Self));
        Receive<InitTimedOut>(_ => { });
        Receive<Drain>(_ =>
        {
            // Live media is bound to this node: a call's socket stays until the call ends or the drain times out.
            if (_callType is CallTypes.WebCall or CallTypes.OnPhone) return;
            Close(ServiceRestartCloseCode, DrainCloseReason);
        });
    }

    private void Outputs()
    {
        // A re-link's replay: the handshake and the lines the client already has are not sent again.
        Receive<ConversationOutput.Connected>(o => { if (_skipReplay < 0) _outbox.Send(ServerFrames.Connection(o.ConversationId)); });
        Receive<ConversationOutput.Opened>(o => { if (_skipReplay < 0) _outbox.Send(ServerFrames.Opened(o.ConversationId)); });
        Receive<ConversationOutput.FailedOpen>(o => _outbox.Send(ServerFrames.FailedOpen(o.ConversationId, o.Reason)));
        Receive<ConversationOutput.SdpInvite>(o => _outbox.Send(ServerFrames.SdpInvite(o.Sdp)));
        Receive<ConversationOutput.Utterance>(o =>
        {
            if (!o.Partial)
            {
                if (_skipReplay > 0)
                {
                    _skipReplay--;
                    return;
                }
                _skipReplay = -1;
                _delivered++;
                if (o.Source == Speakers.Assistant) _telemetry.AgentAnswered();
            }
            _outbox.Send(ServerFrames.Text(o.Source, o.Text, o.Partial));
        });
        Receive<ConversationOutput.ToolRequested>(o =>
        {
            foreach (var frame in ServerFrames.ToolRequest(o.Id, o.ToolName, o.Args)) _outbox.Send(frame);
        });
        Receive<ConversationOutput.ToolFinished>(o =>
        {
            if (_session.SendsToolLogs) _outbox.Send(ServerFrames.ToolCallResult(o.Id, o.ToolName, o.Result, o.Status));
        });
        Receive<ConversationOutput.Error>(o => SendError(o.Message, o.Code));
        Receive<ConversationOutput.Finished>(o => Finish(o.Result));
        Receive<ConversationOutput.Detached>(o => Fail(o.Reason, CloseCodes.PolicyViolation));
    }

    private void OnInitialize(ClientMessage.Initialize init)
    {
        Timers.Cancel(nameof(InitTimedOut));
        if (init.Resume is not null)
        {
            _conversationId = init.Resume;
            _conversations.Tell(new Attach(init.Resume, _session.Agent.AgentId, Self, Replay: true), Self);
            Become(Joining);
            return;
        }

        var callType = init.CallType!;
        _callType = callType;
        if (!_session.Allows(callType))
        {
            Fail($"Call type '{callType}' is not enabled for this integration", CloseCodes.PolicyViolation);
            return;
        }
        // A call's id pins it to this node, which owns its media; a chat's id shards freely.
        _conversationId = _conversations.NewConversationId(callType);
        if (!_session.Agent.IsEnabled)
        {
            _outbox.Send(ServerFrames.FailedOpen(_conversationId, "Agent is disabled"));
            Close(CloseCodes.Normal, "Agent is disabled");
            return;
        }
        _conversations.Tell(new Start(_conversationId, _session.Agent, callType, init.AdditionalData ?? new JsonObject(),
            init.Endpoint, _session.ClientTools, Self), Self);
        Become(Joining);
    }

    private void Joined()
    {
        Watch(Sender);
        Become(Live);
    }

    private void Watch(IActorRef entity)
    {
        if (_entity is not null) Context.Unwatch(_entity);
        _entity = entity;
        Context.Watch(entity);
    }

    private void Forward(ParsedFrame.Message frame)
    {
        var id = _conversationId!;
        switch (frame.Value)
        {
            case ClientMessage.IncomingChatMessage chat:
                (var verdict, _rateState) = _rate.Decide(_rateState, Now);
                if (verdict == MessageRate.Verdict.Close)
                {
                    Fail(ProtocolErrors.RateLimitExceeded, CloseCodes.PolicyViolation);
                    return;
                }
                if (verdict == MessageRate.Verdict.Drop)
                {
                    SendError(ProtocolErrors.RateLimitExceeded);
                    return;
                }
                _telemetry.UserTurn();
                _conversations.Tell(new UserMessage(id, chat.Content), Self);
                break;
            case ClientMessage.WebsocketToolResponse response:
                _conversations.Tell(new ToolResponse(id, response.Id, response.Result), Self);
                break;
            case ClientMessage.Terminate:
                _conversations.Tell(new ConversationCommands.Terminate(id), Self);
                break;
            case ClientMessage.SdpAnswer answer:
                _conversations.Tell(new SdpAnswer(id, answer.Sdp), Self);
                break;
        }
    }

    private void Finish(ConversationResult result)
    {
        _telemetry.Finished(result);
        if (_session.SendsResult) _outbox.Send(ServerFrames.ConversationResult(result));
        _outbox.Send(ServerFrames.Closed(result));
        Close(CloseCodes.Normal, "Conversation ended");
    }

    protected override void PostStop() => _telemetry.Stopped();

    private void SendError(string message, string? code = null) => _outbox.Send(ServerFrames.Error(message, code));

    private void Fail(string message, int closeCode)
    {
        SendError(message);
        Close(closeCode, message);
    }

    private void Close(int code, string reason)
    {
        if (_closing) return;
        _closing = true;
        _outbox.Close(code, reason);
        Context.Stop(Self);
    }
}
