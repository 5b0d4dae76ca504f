using Akka.Actor;
using Akka.Cluster.Sharding;
using Orchestrator.Actors.Conversations;

namespace Orchestrator.Actors.Sharding;

/// <summary>The conversation regions' names and roles, and the start of the pinned voice region.</summary>
public static class ConversationShards
{
    public const string ChatTypeName = "conversation";
    public const string VoiceTypeName = "voice-conversation";
    /// <summary>Every node has it: chats (and unpinned ids) shard over all nodes.</summary>
    public const string ConversationRole = "conversation";
    /// <summary>Only nodes with voice on: they alone host voice conversations; the others route to them.</summary>
    public const string VoiceRole = "voice";

    /// <summary>
    /// The voice region on a node with voice on (pinned allocation, never rebalanced), a proxy to
    /// it on a node without.
    /// </summary>
    public static IActorRef StartVoiceRegion(ActorSystem system, Func<string, Props> entityProps, bool hostsVoice)
    {
        var sharding = ClusterSharding.Get(system);
        var extractor = new VoiceConversationMessageExtractor();
        if (!hostsVoice) return sharding.StartProxy(VoiceTypeName, VoiceRole, extractor);
        var settings = ClusterShardingSettings.Create(system)
            .WithRole(VoiceRole)
            .WithStateStoreMode(StateStoreMode.DData)
            .WithRememberEntities(false)
            // A call ends and passivates itself; its timers must not be cut short by idleness.
            .WithPassivateIdleAfter(TimeSpan.Zero);
        return sharding.Start(VoiceTypeName, entityProps, settings, extractor, new PinnedShardAllocation(Akka.Cluster.Cluster.Get(system).SelfAddress),
            ConversationEntity.Stop.Instance);
    }
}
