using Akka.Cluster.Sharding;
using Akka.Util;
using Orchestrator.Messages;

namespace Orchestrator.Actors.Sharding;

/// <summary>
/// Routes voice conversations to one shard per node: the shard is the node token in the id, so
/// every conversation a node accepted lives in that node's shard, which never moves
/// (<see cref="PinnedShardAllocation"/>). An id without a token falls into one of a fixed number
/// of buckets (pinned too, wherever they were first asked for).
/// </summary>
public sealed class VoiceConversationMessageExtractor(int buckets = ConversationMessageExtractor.DefaultShards) : IMessageExtractor
{
    // Sharding unwraps its own envelopes before asking; our messages all name their conversation.
    public string? EntityId(object message) => (message as IWithConversationId)?.ConversationId;

    public object? EntityMessage(object message) => message;

    public string ShardId(object message) => EntityId(message) is { } id ? ShardId(id) : throw new ArgumentException(
        $"{message.GetType().Name} names no conversation", nameof(message));

    public string ShardId(string entityId, object? messageHint = null) =>
        ConversationIds.NodeTokenOf(entityId) ?? "h" + (Math.Abs(MurmurHash.StringHash(entityId) % buckets)).ToString();
}

/// <summary>The marker under which the pinned voice conversation region is registered.</summary>
public sealed class VoiceConversationRegion;
