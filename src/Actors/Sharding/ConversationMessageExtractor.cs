using Akka.Cluster.Sharding;
using Orchestrator.Messages;

namespace Orchestrator.Actors.Sharding;

/// <summary>
/// Routes conversation messages by conversation id. The shard count must never change while a
/// cluster lives, or running conversations would be found on two shards.
/// </summary>
public sealed class ConversationMessageExtractor(int maxNumberOfShards = ConversationMessageExtractor.DefaultShards)
    : HashCodeMessageExtractor(maxNumberOfShards)
{
    public const int DefaultShards = 100;

    // ShardingEnvelope and StartEntity are unwrapped by the base class before this is asked.
    public override string? EntityId(object message) => (message as IWithConversationId)?.ConversationId;
}

/// <summary>The marker under which the conversation shard region is registered.</summary>
public sealed class ConversationRegion;
