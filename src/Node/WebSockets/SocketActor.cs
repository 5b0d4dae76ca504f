using System.Text.Json.Nodes;
using Akka.Actor;
using Orchestrator.Actors.Conversations;
using Orchestrator.Messages;
using Orchestrator.Messages.Conversations;
using Orchestrator.Messages.Protocol;
using Orchestrator.Messages.Results;
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

    private readonly SessionContext _session;
    private readonly IActorRef _conversations;
    private readonly ISocketOutbox _outbox;
    private string? _conversationId;
    private IActorRef? _entity;
    private bool _closing;
    /// <summary>
    /// Client input the conversation has not answered yet. A conversation records a user turn with
    /// its answer, so input in flight when its node dies is lost with it; it is sent again once this
    /// socket is linked to the conversation's next incarnation.
    /// </summary>
    private readonly List<IWithConversationId> _unanswered = [];
    private bool _relinking;

    public ITimerScheduler Timers { get; set; } = null!;

    public SocketActor(SessionContext session, IActorRef conversations, ISocketOutbox outbox, TimeSpan initTimeout)
    {
        _session = session;
        _conversations = conversations;
        _outbox = outbox;
        Timers.StartSingleTimer(nameof(InitTimedOut), new InitTimedOut(), initTimeout);
        AwaitingInit();
    }

    public static Props Props(SessionContext session, IActorRef conversations, ISocketOutbox outbox, TimeSpan initTimeout) =>
        Akka.Actor.Props.Create(() => new SocketActor(session, conversations, outbox, initTimeout));

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
        Receive<ConversationReplies.Started>(_ => Joined());
        Receive<ConversationReplies.Attached>(_ => Joined());
        InConversation();
    }

    private void Live()
    {
        Receive<ConversationReplies.Attached>(_ =>
        {
            Watch(Sender);
            if (!_relinking) return;
            _relinking = false;
            foreach (var input in _unanswered) _conversations.Tell(input);
        });
        Receive<Terminated>(t => t.ActorRef.Equals(_entity), _ =>
        {
            // The entity moved or restarted elsewhere: link this socket to its next incarnation.
            _entity = null;
            _relinking = true;
            _conversations.Tell(new Attach(_conversationId!, _session.Agent.AgentId, Self, Replay: false));
        });
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
    }

    private void Outputs()
    {
        Receive<ConversationOutput.Connected>(o => _outbox.Send(ServerFrames.Connection(o.ConversationId)));
        Receive<ConversationOutput.Opened>(o => _outbox.Send(ServerFrames.Opened(o.ConversationId)));
        Receive<ConversationOutput.FailedOpen>(o => _outbox.Send(ServerFrames.FailedOpen(o.ConversationId, o.Reason)));
        Receive<ConversationOutput.SdpInvite>(o => _outbox.Send(ServerFrames.SdpInvite(o.Sdp)));
        Receive<ConversationOutput.Utterance>(o =>
        {
            if (!o.Partial && o.Source == Speakers.User)
                _unanswered.RemoveAll(i => i is UserMessage m && m.Text == o.Text);
            _outbox.Send(ServerFrames.Text(o.Source, o.Text, o.Partial));
        });
        Receive<ConversationOutput.ToolRequested>(o =>
        {
            foreach (var frame in ServerFrames.ToolRequest(o.Id, o.ToolName, o.Args)) _outbox.Send(frame);
        });
        Receive<ConversationOutput.ToolFinished>(o =>
        {
            _unanswered.RemoveAll(i => i is ToolResponse r && r.ToolCallId == o.Id);
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
            _conversations.Tell(new Attach(init.Resume, _session.Agent.AgentId, Self, Replay: true));
            Become(Joining);
            return;
        }

        var callType = init.CallType!;
        if (!_session.Allows(callType))
        {
            Fail($"Call type '{callType}' is not enabled for this integration", CloseCodes.PolicyViolation);
            return;
        }
        _conversationId = Guid.NewGuid().ToString();
        if (!_session.Agent.IsEnabled)
        {
            _outbox.Send(ServerFrames.FailedOpen(_conversationId, "Agent is disabled"));
            Close(CloseCodes.Normal, "Agent is disabled");
            return;
        }
        _conversations.Tell(new Start(_conversationId, _session.Agent, callType, init.AdditionalData ?? new JsonObject(),
            init.Endpoint, _session.ClientTools, Self));
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
                Send(new UserMessage(id, chat.Content));
                break;
            case ClientMessage.WebsocketToolResponse response:
                Send(new ToolResponse(id, response.Id, response.Result));
                break;
            case ClientMessage.Terminate:
                _conversations.Tell(new ConversationCommands.Terminate(id));
                break;
            case ClientMessage.SdpAnswer answer:
                _conversations.Tell(new SdpAnswer(id, answer.Sdp));
                break;
        }
    }

    /// <summary>Input kept until answered (bounded: a client that floods gets its oldest input dropped from the replay list).</summary>
    private void Send(IWithConversationId input)
    {
        if (_unanswered.Count >= 32) _unanswered.RemoveAt(0);
        _unanswered.Add(input);
        _conversations.Tell(input);
    }

    private void Finish(ConversationResult result)
    {
        if (_session.SendsResult) _outbox.Send(ServerFrames.ConversationResult(result));
        _outbox.Send(ServerFrames.Closed(result));
        Close(CloseCodes.Normal, "Conversation ended");
    }

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
