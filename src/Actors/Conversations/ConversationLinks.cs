using Akka.Actor;
using Orchestrator.Actors.Ports;
using Orchestrator.Actors.Voice;
using Orchestrator.Dialogue;
using Orchestrator.Messages.Conversations;

namespace Orchestrator.Actors.Conversations;

/// <summary>What a conversation entity needs from its node, resolved once for all entities.</summary>
public sealed record ConversationServices(
    IDialogueEngineFactory Engines, IConversationResultStore Results, ILiveConversationIndex Live, IVoiceSessionFactory? Voice,
    IServerToolRunner? ServerTools);

/// <summary>
/// The actors one conversation incarnation talks to: its socket, its dialogue runner, its voice
/// session. Only the entity's own thread touches it.
/// </summary>
internal sealed class ConversationLinks
{
    private List<ConversationOutput>? _held;
    private string? _childFailure;

    public IActorRef? Socket { get; set; }
    public IActorRef? Runner { get; set; }
    public IActorRef? Voice { get; set; }

    /// <summary>After a restart, outputs wait here for the relink of the socket that follows it.</summary>
    public void HoldOutputs() => _held = [];

    public List<ConversationOutput> ReleaseHeld()
    {
        var held = _held ?? [];
        _held = null;
        return held;
    }

    /// <summary>Sends to the socket; held across a restart; dropped while none is linked.</summary>
    public void Emit(ConversationOutput output)
    {
        if (Socket is not null) Socket.Tell(output);
        else _held?.Add(output);
    }

    /// <summary>A child that failed to start: its cause is kept for the Terminated that follows.</summary>
    public void RememberChildFailure(ActorInitializationException failure)
    {
        var cause = failure.InnerException ?? failure;
        _childFailure = cause.GetBaseException().Message;
    }

    public string? TakeChildFailure()
    {
        var failure = _childFailure;
        _childFailure = null;
        return failure;
    }
}
