using System.Collections.Immutable;
using Akka.Actor;
using Orchestrator.Actors.Sharding;
using Orchestrator.Messages.Results;

namespace Orchestrator.Actors.Tests.Conversations;

/// <summary>Pinned ids, the router's choice of region and the pinned allocation, without a cluster.</summary>
public sealed class ConversationRoutingTests : Akka.TestKit.Xunit2.TestKit
{
    [Fact]
    public async Task The_pinned_allocation_gives_a_nodes_shard_to_that_node_and_never_rebalances()
    {
        var a = CreateTestProbe().Ref;
        var b = CreateTestProbe().Ref;
        var addressA = new Address("akka.tcp", "sys", "10.0.0.1", 4053);
        var addressB = new Address("akka.tcp", "sys", "10.0.0.2", 4053);
        PinnedShardAllocation.Candidate[] regions = [new(a, addressA, 5), new(b, addressB, 0)];
        Assert.Equal(a, PinnedShardAllocation.Choose(ConversationIds.NodeToken(addressA), requester: b, regions));
        Assert.Equal(b, PinnedShardAllocation.Choose(ConversationIds.NodeToken(addressB), requester: a, regions));
        // A node that is gone: its shard goes to the region asking for it (the reviver's node)...
        var gone = ConversationIds.NodeToken(new Address("akka.tcp", "sys", "10.0.0.3", 4053));
        Assert.Equal(a, PinnedShardAllocation.Choose(gone, requester: a, regions));
        // ...or, when a proxy asks, to the least loaded region.
        Assert.Equal(b, PinnedShardAllocation.Choose(gone, requester: CreateTestProbe().Ref, regions));

        var strategy = new PinnedShardAllocation(addressA);
        var allocations = ImmutableDictionary<IActorRef, IImmutableList<string>>.Empty
            .Add(a, ImmutableList.Create("s1", "s2", "s3", "s4", "s5", "s6")).Add(b, ImmutableList<string>.Empty);
        Assert.Empty(await strategy.Rebalance(allocations, ImmutableHashSet<string>.Empty));
    }

    [Theory]
    [InlineData("3f2a0c4e-1b2c-4d5e-8f90-123456789abc-n0a1b2c3d", "n0a1b2c3d")]
    [InlineData("3f2a0c4e-1b2c-4d5e-8f90-123456789abc", null)]
    [InlineData("x-nzzzzzzzz", null)]
    [InlineData("n0a1b2c3d", null)]
    [InlineData("", null)]
    public void Only_ids_ending_in_a_node_token_are_pinned(string id, string? token)
    {
        Assert.Equal(token, ConversationIds.NodeTokenOf(id));
        var router = new ConversationRouter(CreateTestProbe().Ref, CreateTestProbe().Ref, "n0a1b2c3d");
        Assert.Equal(token is null ? router.Chat : router.Voice, router.RegionFor(id));
        Assert.True(ConversationIds.IsPinned(router.NewConversationId(CallTypes.OnPhone)));
        Assert.False(ConversationIds.IsPinned(router.NewConversationId(CallTypes.Chat)));
    }

}
