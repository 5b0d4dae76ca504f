using Akka.Actor;
using Orchestrator.Messages;
using Orchestrator.Messages.Results;

namespace Orchestrator.Actors.Sharding;

/// <summary>
/// The one way in to conversations: a pinned id (a voice conversation made here with
/// <see cref="NewConversationId"/>) goes to the pinned voice region, any other id to the freely
/// sharded chat region. The id alone decides, so a start, a resume, a status ask and the reviver's
/// wake of the same conversation always reach the same entity.
/// </summary>
public sealed class ConversationRouter(IActorRef chat, IActorRef voice, string nodeToken)
{
    public IActorRef Chat => chat;
    public IActorRef Voice => voice;

    /// <summary>This node's token, the one its new voice conversations are pinned to.</summary>
    public string NodeToken => nodeToken;

    /// <summary>A new id: a web or phone call is pinned to this node (its media lives here); a chat is not.</summary>
    public string NewConversationId(string callType) =>
        callType is CallTypes.WebCall or CallTypes.OnPhone ? ConversationIds.NewPinned(nodeToken) : Guid.NewGuid().ToString();

    public IActorRef RegionFor(string conversationId) => ConversationIds.IsPinned(conversationId) ? voice : chat;

    public void Tell(IWithConversationId message, IActorRef? sender = null) =>
        RegionFor(message.ConversationId).Tell(message, sender ?? ActorRefs.NoSender);

    public Task<T> Ask<T>(IWithConversationId message, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        RegionFor(message.ConversationId).Ask<T>(message, timeout, cancellationToken);

    public static ConversationRouter Create(ActorSystem system, IActorRef chat, IActorRef voice) =>
        new(chat, voice, ConversationIds.NodeToken(Akka.Cluster.Cluster.Get(system).SelfAddress));
}
