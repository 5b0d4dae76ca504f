using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster.Sharding;

namespace Orchestrator.Actors.Sharding;

/// <summary>
/// The allocation of the voice region: a node's shard goes to that node, other shards to the node
/// that asked first (or the least loaded when a proxy asked), and nothing is ever rebalanced. A
/// call's media (its UDP sockets and keys) cannot move, so a node joining or a rolling deploy must
/// not hand its conversation off; when the node dies, its shard is allocated again on the next
/// request (the reviver's wake), where the conversation recovers and ends with a stored result.
/// </summary>
/// <param name="self">This node's address: the coordinator's own region has a local path without one.</param>
public sealed class PinnedShardAllocation(Address self) : IShardAllocationStrategy
{

    public Task<IActorRef> AllocateShard(IActorRef requester, string shardId,
        IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations)
    {
        var regions = currentShardAllocations.Select(r => new Candidate(r.Key, AddressOf(r.Key), r.Value.Count)).ToList();
        return Task.FromResult(Choose(shardId, requester, regions));
    }

    public Task<IImmutableSet<string>> Rebalance(IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations,
        IImmutableSet<string> rebalanceInProgress) => Task.FromResult<IImmutableSet<string>>(ImmutableHashSet<string>.Empty);

    public sealed record Candidate(IActorRef Region, Address Address, int Shards);

    /// <summary>The node the shard names, else the requester if it hosts the region, else the least loaded.</summary>
    public static IActorRef Choose(string shardId, IActorRef requester, IReadOnlyList<Candidate> regions)
    {
        if (regions.Count == 0) throw new InvalidOperationException("No voice region to allocate a shard to");
        if (regions.FirstOrDefault(r => ConversationIds.NodeToken(r.Address) == shardId) is { } owner) return owner.Region;
        if (regions.FirstOrDefault(r => r.Region.Equals(requester)) is { } asking) return asking.Region;
        return regions.MinBy(r => r.Shards)!.Region;
    }

    private Address AddressOf(IActorRef region) => region.Path.Address.HasLocalScope ? self : region.Path.Address;
}
